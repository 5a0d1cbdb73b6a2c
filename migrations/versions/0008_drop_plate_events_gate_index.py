"""drop the index on plate_events.gate_id alone

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

Two indexes already lead with gate_id: the unique (gate_id, event_id) and (gate_id, received_at) of
0007. They serve every look-up by gate, and the foreign key's checks, so the third only cost every
pass one more index entry to write.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_plate_events_gate_id', table_name='plate_events')


def downgrade():
    op.create_index('ix_plate_events_gate_id', 'plate_events', ['gate_id'], unique=False)
