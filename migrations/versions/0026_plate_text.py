"""plate text read back from the picture (号牌复核): its text on each analysed picture, and the PLATE_TEXT policy

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03

The background analysis reads the plate's text in each picture (those analysed at ingest too: the
queue is the pictures without `text_read_at`) (registry.pictures.text) and, where the
PLATE_TEXT policy is in force, raises a disagreement with the camera's read for review. The policy's
parameters are data: how sure the reading must be, how many characters must differ, whether the province
character counts.
"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

PLATE_TEXT = {
    'id': 17,
    'rule': 'PLATE_TEXT',
    'params': {'min_confidence': 0.9, 'min_differences': 1, 'ignore_province': True, 'severity': 'review'},
    'clause': '号牌识别结果与图片复核不一致的，转人工复核，不单独作为禁止通行依据'
    ' / a plate read that the picture contradicts is checked by a person, never denied on that alone',
}


def upgrade():
    with op.batch_alter_table('pass_images', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plate_text', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('plate_text_confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('text_read_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            'ix_pass_images_text_to_read', ['id'], unique=False,
            postgresql_where=sa.text('text_read_at IS NULL AND valid AND purged_at IS NULL'),
            sqlite_where=sa.text('text_read_at IS NULL AND valid AND purged_at IS NULL'),
        )
    postgres = op.get_bind().dialect.name == 'postgresql'
    policies = sa.table(
        'policies',
        sa.column('id', sa.Integer), sa.column('rule', sa.String), sa.column('params', sa.JSON),
        sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date), sa.column('clause', sa.String),
        sa.column('version', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    added = datetime(2026, 12, 3, tzinfo=timezone.utc)
    if not postgres:
        added = added.replace(tzinfo=None)  # the app stores naive UTC on SQLite
    taken = op.get_bind().execute(sa.text("SELECT count(*) FROM policies WHERE id = 17")).scalar()
    row = {
        'rule': PLATE_TEXT['rule'], 'params': PLATE_TEXT['params'], 'effective_from': date(2000, 1, 1),
        'effective_to': None, 'clause': PLATE_TEXT['clause'], 'version': 1, 'created_at': added,
        'updated_at': added,
    }
    op.bulk_insert(policies, [row if taken else {'id': PLATE_TEXT['id'], **row}])
    if postgres:
        op.execute("SELECT setval(pg_get_serial_sequence('policies', 'id'), (SELECT max(id) FROM policies))")


def downgrade():
    op.execute("DELETE FROM policies WHERE rule = 'PLATE_TEXT'")
    with op.batch_alter_table('pass_images', schema=None) as batch_op:
        batch_op.drop_index('ix_pass_images_text_to_read')
        batch_op.drop_column('text_read_at')
        batch_op.drop_column('plate_text_confidence')
        batch_op.drop_column('plate_text')
