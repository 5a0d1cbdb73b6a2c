"""in-plant fleet: a firm's transport vehicles (table 4) and machinery owned by a firm (table 5)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03

A machine is owned by a construction unit or by a firm (its in-plant machinery), exactly one of the
two. SQLite alters machinery by a copy (migrations/env.py turns its foreign keys off while migrating
and checks them after).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plant_vehicles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('vin', sa.String(length=17), nullable=True),
    sa.Column('engine_no', sa.String(length=32), nullable=True),
    sa.Column('emission_stage', sa.Enum('0', '1', '2', '3', '4', '5', '6', 'D', name='emission_stage', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('fuel_type', sa.Enum('diesel', 'gas', 'gasoline', 'electric', 'hybrid', 'hydrogen', name='fuel_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_plant_vehicles_created_by_id_users')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_plant_vehicles_firm_id_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plant_vehicles')),
    sa.UniqueConstraint('firm_id', 'code', name=op.f('uq_plant_vehicles_firm_id_code'))
    )
    with op.batch_alter_table('plant_vehicles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plant_vehicles_firm_id'), ['firm_id'], unique=False)

    with op.batch_alter_table('machinery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('firm_id', sa.Integer(), nullable=True))
        batch_op.alter_column('unit_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_machinery_firm_id'), ['firm_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_machinery_firm_id_firms'), 'firms', ['firm_id'], ['id'])
        batch_op.create_check_constraint('one_owner', '(unit_id IS NULL) <> (firm_id IS NULL)')



def downgrade():
    op.execute('DELETE FROM machinery_photos WHERE machinery_id IN (SELECT id FROM machinery WHERE firm_id IS NOT NULL)')
    op.execute('DELETE FROM machinery_history WHERE machinery_id IN (SELECT id FROM machinery WHERE firm_id IS NOT NULL)')
    op.execute('DELETE FROM machinery WHERE firm_id IS NOT NULL')
    with op.batch_alter_table('machinery', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_machinery_one_owner'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_machinery_firm_id_firms'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_machinery_firm_id'))
        batch_op.alter_column('unit_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('firm_id')

    with op.batch_alter_table('plant_vehicles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plant_vehicles_firm_id'))

    op.drop_table('plant_vehicles')
