"""weighbridge tickets (地磅磅单): cargo and tonnage for the gate ledger, matched to passes

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03

Idempotent on the firm's own ticket number; the matched pass is named by id and time (passes are
partitioned by month on PostgreSQL, so no foreign key).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('weigh_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('ticket_no', sa.String(length=64), nullable=False),
    sa.Column('plate', sa.String(length=10), nullable=False),
    sa.Column('weighed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('gross_t', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('tare_t', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('net_t', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('cargo', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('matched', 'ambiguous', 'unmatched', name='match_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('pass_id', sa.BigInteger(), nullable=True),
    sa.Column('pass_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('candidates', sa.Integer(), nullable=False),
    sa.Column('matched_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_weigh_tickets_created_by_id_users')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_weigh_tickets_firm_id_firms')),
    sa.ForeignKeyConstraint(['matched_by_id'], ['users.id'], name=op.f('fk_weigh_tickets_matched_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weigh_tickets')),
    sa.UniqueConstraint('firm_id', 'ticket_no', name=op.f('uq_weigh_tickets_firm_id_ticket_no'))
    )
    with op.batch_alter_table('weigh_tickets', schema=None) as batch_op:
        batch_op.create_index('ix_weigh_tickets_firm_status_time', ['firm_id', 'status', 'weighed_at'], unique=False)
        batch_op.create_index('ix_weigh_tickets_pass_id', ['pass_id'], unique=False)



def downgrade():
    with op.batch_alter_table('weigh_tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_weigh_tickets_pass_id')
        batch_op.drop_index('ix_weigh_tickets_firm_status_time')

    op.drop_table('weigh_tickets')
