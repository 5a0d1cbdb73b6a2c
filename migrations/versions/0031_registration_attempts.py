"""registration attempts: every self-registration sent is counted per address before its photos are decoded

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06

Refused submissions (a bad photo, a registered plate) were never counted, so a flood of them decoded
photos without limit. They are now counted here first (REGISTRATION_ATTEMPT_RATE_LIMIT); rows older
than the longest window are deleted as new ones come.
"""
import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'registration_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=45), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_attempts')),
    )
    op.create_index(op.f('ix_registration_attempts_address'), 'registration_attempts', ['address'], unique=False)
    op.create_index(op.f('ix_registration_attempts_at'), 'registration_attempts', ['at'], unique=False)


def downgrade():
    op.drop_table('registration_attempts')
