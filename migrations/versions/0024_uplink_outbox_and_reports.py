"""reporting upward (数据上报): the outbox, its targets, and records reported by lower platforms

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03

uplink_records is the outbox written with every stored or changed pass; its order is (tx_id, id), and on
PostgreSQL tx_id defaults to the writing transaction's id (registry.uplink.outbox says why). On SQLite
it is 0. uplink_targets hold each higher platform's cursor; reporting_sources and reported_records are
this platform as the higher platform of others.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def _tx_id_default():
    if op.get_bind().dialect.name == 'postgresql':
        return sa.text('(pg_current_xact_id()::text)::bigint')
    return sa.text('0')


def upgrade():
    op.create_table('reporting_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('received', sa.BigInteger(), nullable=False),
    sa.Column('last_received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_sequence', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_sources')),
    sa.UniqueConstraint('code', name=op.f('uq_reporting_sources_code')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_reporting_sources_token_hash'))
    )
    op.create_table('uplink_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tx_id', sa.BigInteger(), nullable=False, server_default=_tx_id_default()),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('plate_event_id', sa.BigInteger(), nullable=False),
    sa.Column('pass_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uplink_records'))
    )
    with op.batch_alter_table('uplink_records', schema=None) as batch_op:
        batch_op.create_index('ix_uplink_records_position', ['tx_id', 'id'], unique=False)

    op.create_table('uplink_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('transport', sa.String(length=20), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('token', sa.String(length=500), nullable=False),
    sa.Column('ca_file', sa.String(length=500), nullable=True),
    sa.Column('batch_size', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('cursor_tx', sa.BigInteger(), nullable=False),
    sa.Column('cursor_id', sa.BigInteger(), nullable=False),
    sa.Column('delivered', sa.BigInteger(), nullable=False),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uplink_targets')),
    sa.UniqueConstraint('name', name=op.f('uq_uplink_targets_name'))
    )
    op.create_table('reported_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plate', sa.String(length=32), nullable=True),
    sa.Column('firm_credit_code', sa.String(length=18), nullable=True),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['reporting_sources.id'], name=op.f('fk_reported_records_source_id_reporting_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reported_records')),
    sa.UniqueConstraint('source_id', 'key', name=op.f('uq_reported_records_source_id_key'))
    )
    with op.batch_alter_table('reported_records', schema=None) as batch_op:
        batch_op.create_index('ix_reported_records_source_time', ['source_id', 'occurred_at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('reported_records', schema=None) as batch_op:
        batch_op.drop_index('ix_reported_records_source_time')

    op.drop_table('reported_records')
    op.drop_table('uplink_targets')
    with op.batch_alter_table('uplink_records', schema=None) as batch_op:
        batch_op.drop_index('ix_uplink_records_position')

    op.drop_table('uplink_records')
    op.drop_table('reporting_sources')
