"""firm inspections (抽查核验): a sample of a firm's gate ledger, checked row by row, closed with a result

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03

See registry.inspections; the sample is drawn from a recorded seed (registry.inspections.sampling).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('firm_inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='inspection_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('result', sa.Enum('compliant', 'rectify', 'non_compliant', name='firm_inspection_result', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_firm_inspections_closed_by_id_users')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_firm_inspections_firm_id_firms')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_firm_inspections_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm_inspections'))
    )
    with op.batch_alter_table('firm_inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_inspections_firm_id'), ['firm_id'], unique=False)

    op.create_table('firm_inspection_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('plate_event_id', sa.BigInteger(), nullable=False),
    sa.Column('pass_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('row', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('gaps', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('record_complete', sa.Boolean(), nullable=True),
    sa.Column('stage_correct', sa.Boolean(), nullable=True),
    sa.Column('stage_seen', sa.String(length=1), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_firm_inspection_items_checked_by_id_users')),
    sa.ForeignKeyConstraint(['inspection_id'], ['firm_inspections.id'], name=op.f('fk_firm_inspection_items_inspection_id_firm_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm_inspection_items')),
    sa.UniqueConstraint('inspection_id', 'position', name=op.f('uq_firm_inspection_items_inspection_id_position'))
    )
    op.create_table('firm_inspection_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=30), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['firm_inspection_items.id'], name=op.f('fk_firm_inspection_photos_item_id_firm_inspection_items')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_firm_inspection_photos_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm_inspection_photos'))
    )
    with op.batch_alter_table('firm_inspection_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_inspection_photos_item_id'), ['item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('firm_inspection_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firm_inspection_photos_item_id'))

    op.drop_table('firm_inspection_photos')
    op.drop_table('firm_inspection_items')
    with op.batch_alter_table('firm_inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firm_inspections_firm_id'))

    op.drop_table('firm_inspections')
