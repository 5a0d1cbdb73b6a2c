"""an index for each gate's last pass (dashboard gate liveness)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

Plain CREATE INDEX (no batch copy), so SQLite keeps the evidence triggers of migration 0005.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_plate_events_gate_id_received_at', 'plate_events', ['gate_id', 'received_at'], unique=False)


def downgrade():
    op.drop_index('ix_plate_events_gate_id_received_at', table_name='plate_events')
