"""ledger seals: each firm's gate ledger hashed day by day into a chain (台账防篡改)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03

Written by `flask ledger seal`, checked by `flask ledger verify`; see registry.ledger.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ledger_seals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('received_after', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('rows_digest', sa.String(length=64), nullable=False),
    sa.Column('day_count', sa.Integer(), nullable=False),
    sa.Column('day_digest', sa.String(length=64), nullable=False),
    sa.Column('previous_digest', sa.String(length=64), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_ledger_seals_firm_id_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_seals')),
    sa.UniqueConstraint('digest', name=op.f('uq_ledger_seals_digest'))
    )
    with op.batch_alter_table('ledger_seals', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_seals_firm_day', ['firm_id', 'day', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('ledger_seals', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_seals_firm_day')

    op.drop_table('ledger_seals')
