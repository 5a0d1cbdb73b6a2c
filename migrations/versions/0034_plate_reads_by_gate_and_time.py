"""plate reads by gate and time, for a gate's delivery

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06

A gate's delivery (its reads, numbered records and gaps per day) read every month of plate_reads kept
for its days: the reads had no index on their time. (gate_id, pass_at) serves one gate's days and, on
PostgreSQL, is built on every month's partition.
"""
from alembic import op

revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_plate_reads_gate_time', 'plate_reads', ['gate_id', 'pass_at'])


def downgrade():
    op.drop_index('ix_plate_reads_gate_time', table_name='plate_reads')
