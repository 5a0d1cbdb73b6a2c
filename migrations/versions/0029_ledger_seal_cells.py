"""ledger seals over every column of tables 3 to 5: each link keeps its rows, and says its format

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06

The first chain (format 1) hashed five of table 3's columns. Links now keep the rows they seal (every
column as exported, compressed) so that a check names each changed cell; links for tables 4 and 5
(kinds table4, table5) seal the firm's registers. Links made before keep format 1 and their digests; the
next `flask ledger seal` re-seals each of their days in full (an amendment) where the five columns still
hold.
"""
import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ledger_seals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('format', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('rows', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('ledger_seals', schema=None) as batch_op:
        batch_op.drop_column('rows')
        batch_op.drop_column('format')
