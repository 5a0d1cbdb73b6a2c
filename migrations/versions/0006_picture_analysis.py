"""picture analysis: measured plate colour and picture quality, and the PICTURE_QUALITY policy

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

Columns are added with plain ALTER TABLE (not a batch copy) so that SQLite keeps the evidence triggers
of migration 0005 on pass_images and plate_events.
"""
from datetime import date, datetime, timezone

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
IMAGE_COLUMNS = [
    sa.Column('colour', sa.String(length=16), nullable=True),
    sa.Column('colour_confidence', sa.Float(), nullable=True),
    sa.Column('plate_box', JSON, nullable=True),
    sa.Column('sharpness', sa.Float(), nullable=True),
    sa.Column('brightness', sa.Float(), nullable=True),
    sa.Column('overexposed', sa.Float(), nullable=True),
    sa.Column('plate_width', sa.Integer(), nullable=True),
    sa.Column('analysis_ms', sa.Float(), nullable=True),
    sa.Column('analysed_at', sa.DateTime(timezone=True), nullable=True),
]
PICTURE_QUALITY = {
    'id': 12,
    'rule': 'PICTURE_QUALITY',
    'params': {'min_sharpness': 25, 'min_brightness': 25, 'max_overexposed': 0.4, 'min_plate_width': 60},
    'effective_from': '2000-01-01',
    'clause': '图片质量不足以作为处罚依据 / a picture too poor to fine on',
}


def upgrade():
    for column in IMAGE_COLUMNS:
        op.add_column('pass_images', column)
    op.create_index(op.f('ix_pass_images_analysed_at'), 'pass_images', ['analysed_at'], unique=False)
    op.add_column('plate_events', sa.Column('measured_colour', sa.String(length=16), nullable=True))
    op.add_column(
        'plate_events', sa.Column('colour_disagrees', sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    policies = sa.table(
        'policies',
        sa.column('id', sa.Integer), sa.column('rule', sa.String), sa.column('params', sa.JSON),
        sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date), sa.column('clause', sa.String),
        sa.column('version', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    added = datetime(2026, 11, 29, tzinfo=timezone.utc)
    op.bulk_insert(policies, [{
        'id': PICTURE_QUALITY['id'], 'rule': PICTURE_QUALITY['rule'], 'params': PICTURE_QUALITY['params'],
        'effective_from': date(2000, 1, 1), 'effective_to': None, 'clause': PICTURE_QUALITY['clause'],
        'version': 1, 'created_at': added, 'updated_at': added,
    }])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("SELECT setval(pg_get_serial_sequence('policies', 'id'), (SELECT max(id) FROM policies))")


def downgrade():
    op.execute("DELETE FROM policies WHERE id = 12 AND rule = 'PICTURE_QUALITY'")
    op.drop_column('plate_events', 'colour_disagrees')
    op.drop_column('plate_events', 'measured_colour')
    op.drop_index(op.f('ix_pass_images_analysed_at'), table_name='pass_images')
    for column in reversed(IMAGE_COLUMNS):
        op.drop_column('pass_images', column.name)
