"""the camera's own time of a pass whose clock was wrong

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

A pass whose camera clock is far from the time of receipt is stored at the time of receipt; the
camera's claim is kept here. A plain ALTER TABLE (not a batch copy) keeps SQLite's evidence triggers.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('plate_events', sa.Column('camera_time', sa.String(length=40), nullable=True))


def downgrade():
    op.drop_column('plate_events', 'camera_time')
