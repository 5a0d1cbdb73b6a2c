"""uplink targets: the last error in a person's words, and its raw text apart (for administrators)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06

`last_error` was the raw text of whatever failed, the first 500 characters of an internal service's answer
included, shown to every bureau user. It is now a summary ("中文 / English"); the raw text is
`last_error_detail`, shown to administrators only. Errors recorded before keep their text as the detail.
"""
import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('uplink_targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_error_detail', sa.Text(), nullable=True))
    op.execute(
        "UPDATE uplink_targets SET last_error_detail = last_error, last_error = '发送失败 / sending failed' "
        "WHERE last_error IS NOT NULL"
    )


def downgrade():
    op.execute("UPDATE uplink_targets SET last_error = last_error_detail WHERE last_error_detail IS NOT NULL")
    with op.batch_alter_table('uplink_targets', schema=None) as batch_op:
        batch_op.drop_column('last_error_detail')
