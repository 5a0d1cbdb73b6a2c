"""vehicle documents (行驶证, 随车清单) and drivers' self-registrations (自助登记)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03

A vehicle's document photos, reviewed against its VIN, engine number, registration date and stage; a
truck declared by its driver through a gate's QR code awaits review in its own table, so that a pending
declaration never touches a registered vehicle. Who reviews is the DOCUMENT_REVIEW policy's data: the
bureau always, a firm for the trucks it registered only where the bureau says so.
"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vehicle_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plate', sa.String(length=10), nullable=False),
    sa.Column('plate_color', sa.Enum('blue', 'yellow', 'yellow_green', 'green', 'white', 'black', name='plate_color', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('vin', sa.String(length=17), nullable=False),
    sa.Column('engine_no', sa.String(length=32), nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=False),
    sa.Column('fuel_type', sa.Enum('diesel', 'gas', 'gasoline', 'electric', 'hybrid', 'hydrogen', name='fuel_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('emission_stage', sa.Enum('0', '1', '2', '3', '4', '5', '6', 'D', name='emission_stage', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('vehicle_class', sa.Enum('heavy_truck', 'medium_truck', 'light_truck', 'tractor', 'special', 'other', name='vehicle_class', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('gate_id', sa.Integer(), nullable=True),
    sa.Column('firm_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='registration_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('submitted_from', sa.String(length=45), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('vehicle_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_vehicle_registrations_firm_id_firms')),
    sa.ForeignKeyConstraint(['gate_id'], ['gates.id'], name=op.f('fk_vehicle_registrations_gate_id_gates')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_vehicle_registrations_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_vehicle_registrations_vehicle_id_vehicles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vehicle_registrations'))
    )
    with op.batch_alter_table('vehicle_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vehicle_registrations_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vehicle_registrations_plate'), ['plate'], unique=False)
        batch_op.create_index(batch_op.f('ix_vehicle_registrations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_vehicle_registrations_submitted_from'), ['submitted_from'], unique=False)

    op.create_table('vehicle_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('licence_front', 'licence_back', 'environmental_list', name='document_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'rejected', name='document_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=30), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('vehicle_id IS NOT NULL OR registration_id IS NOT NULL', name=op.f('ck_vehicle_documents_of_something')),
    sa.ForeignKeyConstraint(['registration_id'], ['vehicle_registrations.id'], name=op.f('fk_vehicle_documents_registration_id_vehicle_registrations')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_vehicle_documents_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_vehicle_documents_uploaded_by_id_users')),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_vehicle_documents_vehicle_id_vehicles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vehicle_documents'))
    )
    with op.batch_alter_table('vehicle_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vehicle_documents_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vehicle_documents_vehicle_id'), ['vehicle_id'], unique=False)

    # In place on SQLite too (vehicles is referenced by passes): there a column and its reference are
    # added by one ALTER TABLE, which SQLite allows for a column without a default.
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        op.add_column('vehicles', sa.Column('firm_id', sa.Integer(), nullable=True))
        op.add_column('vehicles', sa.Column('stage_verified_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_vehicles_firm_id_firms', 'vehicles', 'firms', ['firm_id'], ['id'])
        op.create_foreign_key(
            'fk_vehicles_stage_verified_by_id_users', 'vehicles', 'users', ['stage_verified_by_id'], ['id'])
    else:
        op.execute("ALTER TABLE vehicles ADD COLUMN firm_id INTEGER "
                   "CONSTRAINT fk_vehicles_firm_id_firms REFERENCES firms (id)")
        op.execute("ALTER TABLE vehicles ADD COLUMN stage_verified_by_id INTEGER "
                   "CONSTRAINT fk_vehicles_stage_verified_by_id_users REFERENCES users (id)")
    op.add_column('vehicles', sa.Column('stage_verified_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_vehicles_firm_id', 'vehicles', ['firm_id'])
    _add_policy()


def downgrade():
    op.execute("DELETE FROM policies WHERE rule = 'DOCUMENT_REVIEW'")
    op.drop_index('ix_vehicles_firm_id', 'vehicles')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('fk_vehicles_stage_verified_by_id_users', 'vehicles', type_='foreignkey')
        op.drop_constraint('fk_vehicles_firm_id_firms', 'vehicles', type_='foreignkey')
    op.drop_column('vehicles', 'stage_verified_by_id')
    op.drop_column('vehicles', 'stage_verified_at')
    op.drop_column('vehicles', 'firm_id')

    with op.batch_alter_table('vehicle_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicle_documents_vehicle_id'))
        batch_op.drop_index(batch_op.f('ix_vehicle_documents_registration_id'))

    op.drop_table('vehicle_documents')
    with op.batch_alter_table('vehicle_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicle_registrations_submitted_from'))
        batch_op.drop_index(batch_op.f('ix_vehicle_registrations_status'))
        batch_op.drop_index(batch_op.f('ix_vehicle_registrations_plate'))
        batch_op.drop_index(batch_op.f('ix_vehicle_registrations_firm_id'))

    op.drop_table('vehicle_registrations')


DOCUMENT_REVIEW = {
    'id': 16,  # 15 went to the second version of CLONED_PLATE (0019) on a database seeded by the migrations
    'rule': 'DOCUMENT_REVIEW',
    'params': {'firms_review_own': False},
    'clause': '车辆排放阶段由生态环境局依据随车清单、行驶证核实 / stages are verified against the documents',
}


def _add_policy():
    postgres = op.get_bind().dialect.name == 'postgresql'
    policies = sa.table(
        'policies',
        sa.column('id', sa.Integer), sa.column('rule', sa.String), sa.column('params', sa.JSON),
        sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date), sa.column('clause', sa.String),
        sa.column('version', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    added = datetime(2026, 12, 3, tzinfo=timezone.utc)
    if not postgres:
        added = added.replace(tzinfo=None)  # the app stores naive UTC on SQLite
    taken = op.get_bind().execute(sa.text("SELECT count(*) FROM policies WHERE id = 16")).scalar()
    row = {
        'rule': DOCUMENT_REVIEW['rule'], 'params': DOCUMENT_REVIEW['params'], 'effective_from': date(2000, 1, 1),
        'effective_to': None, 'clause': DOCUMENT_REVIEW['clause'], 'version': 1, 'created_at': added,
        'updated_at': added,
    }
    op.bulk_insert(policies, [row if taken else {'id': DOCUMENT_REVIEW['id'], **row}])
    if postgres:
        op.execute("SELECT setval(pg_get_serial_sequence('policies', 'id'), (SELECT max(id) FROM policies))")
