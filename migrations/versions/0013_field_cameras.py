"""gate cameras in the field: no-plate reads, time sources, long event ids, camera record numbers,
backlogs, pictures by reference, heartbeats, and the NO_PLATE policy

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

Columns are added with plain ALTER TABLE (not a batch copy) so that SQLite keeps the evidence triggers
of migration 0005. Event ids widen to 128 characters on PostgreSQL (SQLite does not enforce lengths).
A no-plate read is stored with an empty plate: the column stays NOT NULL.
"""
from datetime import date, datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

NO_PLATE = {
    'id': 13,
    'rule': 'NO_PLATE',
    'params': {'severity': 'review'},
    'clause': '无牌车不得通行，需人工核验 / a vehicle without a plate is checked by a person',
}
READ_COLUMNS = [
    sa.Column('plate_sent', sa.String(length=64), nullable=True),
    sa.Column('device', sa.String(length=64), nullable=True),
    sa.Column('sequence', sa.BigInteger(), nullable=True),
    sa.Column('backlog', sa.Boolean(), server_default=sa.false(), nullable=False),
]


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.add_column(
        'plate_events', sa.Column('time_source', sa.String(length=10), server_default='camera', nullable=False)
    )
    op.execute("UPDATE plate_events SET time_source = 'receiver' WHERE camera_time IS NOT NULL")
    if postgres:
        for table in ('plate_events', 'plate_reads'):
            op.alter_column(table, 'event_id', type_=sa.String(length=128), existing_type=sa.String(length=64))
    for column in READ_COLUMNS:
        op.add_column('plate_reads', column)
    op.add_column('pass_images', sa.Column('reference', sa.String(length=1000), nullable=True))
    op.add_column('pass_images', sa.Column('fetch_attempts', sa.Integer(), server_default='0', nullable=False))
    op.create_index(
        'ix_pass_images_to_fetch', 'pass_images', ['id'], unique=False,
        postgresql_where=sa.text('reference IS NOT NULL AND sha256 IS NULL'),
        sqlite_where=sa.text('reference IS NOT NULL AND sha256 IS NULL'),
    )
    op.add_column('gates', sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
    policies = sa.table(
        'policies',
        sa.column('id', sa.Integer), sa.column('rule', sa.String), sa.column('params', sa.JSON),
        sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date), sa.column('clause', sa.String),
        sa.column('version', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    added = datetime(2026, 12, 2, tzinfo=timezone.utc)
    if not postgres:
        added = added.replace(tzinfo=None)  # the app stores naive UTC on SQLite
    op.bulk_insert(policies, [{
        'id': NO_PLATE['id'], 'rule': NO_PLATE['rule'], 'params': NO_PLATE['params'],
        'effective_from': date(2000, 1, 1), 'effective_to': None, 'clause': NO_PLATE['clause'],
        'version': 1, 'created_at': added, 'updated_at': added,
    }])
    if postgres:
        op.execute("SELECT setval(pg_get_serial_sequence('policies', 'id'), (SELECT max(id) FROM policies))")


def downgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.execute("DELETE FROM policies WHERE id = 13 AND rule = 'NO_PLATE'")
    op.drop_column('gates', 'last_seen_at')
    op.drop_index('ix_pass_images_to_fetch', table_name='pass_images')
    op.drop_column('pass_images', 'fetch_attempts')
    op.drop_column('pass_images', 'reference')
    for column in reversed(READ_COLUMNS):
        op.drop_column('plate_reads', column.name)
    if postgres:
        for table in ('plate_events', 'plate_reads'):
            op.alter_column(table, 'event_id', type_=sa.String(length=64), existing_type=sa.String(length=128))
    op.drop_column('plate_events', 'time_source')
