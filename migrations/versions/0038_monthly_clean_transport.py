"""each firm's clean transport per closed month, counted once

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07

The clean-transport page counted six months of passes joined with their verdicts, trucks and tickets on
each request (4.6 million passes: 3.7 s at a city's volume). A closed month's counts are now kept,
counted by the daily job and again while late weighbridge tickets may still change its tonnes; only the
current month is counted from the passes when asked.
"""
import sqlalchemy as sa
from alembic import op

revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'monthly_clean_transport',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('firm_id', sa.Integer(), nullable=False),
        sa.Column('passes', sa.Integer(), nullable=False),
        sa.Column('clean_passes', sa.Integer(), nullable=False),
        sa.Column('tonnes', sa.Float(), nullable=False),
        sa.Column('clean_tonnes', sa.Float(), nullable=False),
        sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_monthly_clean_transport_firm_id_firms')),
        sa.PrimaryKeyConstraint('month', 'firm_id', name=op.f('pk_monthly_clean_transport')),
    )


def downgrade():
    op.drop_table('monthly_clean_transport')
