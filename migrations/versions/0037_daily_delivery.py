"""each gate's delivery per closed day, counted once

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06

A month of delivery for every gate was counted from the month's reads on each request (760,000 reads
sorted by camera and number: a second at a city's volume). A closed day's counts are now kept, counted
by the daily job and again while late backlogs may still fill its gaps; only the last days are counted
from the reads when asked.
"""
import sqlalchemy as sa
from alembic import op

revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'daily_delivery',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('gate_id', sa.Integer(), nullable=False),
        sa.Column('reads', sa.Integer(), nullable=False),
        sa.Column('numbered', sa.Integer(), nullable=False),
        sa.Column('missing', sa.Integer(), nullable=False),
        sa.Column('last_read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['gate_id'], ['gates.id'], name=op.f('fk_daily_delivery_gate_id_gates')),
        sa.PrimaryKeyConstraint('day', 'gate_id', name=op.f('pk_daily_delivery')),
    )


def downgrade():
    op.drop_table('daily_delivery')
