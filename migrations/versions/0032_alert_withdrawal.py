"""alerts: withdrawn (撤销) before they began, by whom and why

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06

An alert issued by mistake could not be taken back: a future one could not be ended, and nothing else
existed. A withdrawn alert stays listed (with who withdrew it and why) and never takes effect: the gate's
rules, the dashboard and the evaluation's normal days leave it out.
"""
import sqlalchemy as sa
from alembic import op

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_alerts_withdrawn_by_id_users'), 'users', ['withdrawn_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_alerts_withdrawn_by_id_users'), type_='foreignkey')
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
