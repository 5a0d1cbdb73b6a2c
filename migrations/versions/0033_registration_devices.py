"""self-registrations counted per device as well as per address

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06

Drivers at one gate share its Wi-Fi or a carrier's NAT: a limit per address locked out the sixth driver
of the hour. Each phone now carries a device cookie; registrations and attempts are counted per device,
and the address limit is a backstop sized for a gate.
"""
import sqlalchemy as sa
from alembic import op

revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vehicle_registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_device', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_vehicle_registrations_submitted_device'), ['submitted_device'])
    with op.batch_alter_table('registration_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_registration_attempts_device'), ['device'])


def downgrade():
    with op.batch_alter_table('registration_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_attempts_device'))
        batch_op.drop_column('device')
    with op.batch_alter_table('vehicle_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicle_registrations_submitted_device'))
        batch_op.drop_column('submitted_device')
