"""page sessions kept by the server: logout ends a session for good, a working day at most

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06

A page login kept only a signed cookie: a copy of it still worked after logout. A login now opens a row
here, the cookie carries its random token, and logout deletes the row. Sessions open before this
migration end with it (they have no row): everyone logs in once more.
"""
import sqlalchemy as sa
from alembic import op

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'page_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_page_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_page_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_page_sessions_token_hash')),
    )
    op.create_index(op.f('ix_page_sessions_user_id'), 'page_sessions', ['user_id'], unique=False)
    op.create_index(op.f('ix_page_sessions_expires_at'), 'page_sessions', ['expires_at'], unique=False)


def downgrade():
    op.drop_table('page_sessions')
