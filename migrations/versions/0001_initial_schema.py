"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('construction_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('contact_name', sa.String(length=50), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_construction_units')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_construction_units_credit_code'))
    )
    op.create_table('firms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('industry', sa.Enum('power', 'coking', 'steel', 'cement', 'casting', 'nonferrous', 'chemical', 'coal', 'building_materials', 'logistics', 'other', name='industry', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('annual_freight_tonnes', sa.BigInteger(), nullable=False),
    sa.Column('in_planning_area', sa.Boolean(), nullable=False),
    sa.Column('performance_grade', sa.Enum('A', 'B', 'C', 'D', 'leading', 'unrated', name='performance_grade', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firms')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_firms_credit_code'))
    )
    with op.batch_alter_table('firms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firms_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_firms_region'), ['region'], unique=False)

    op.create_table('vehicles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plate', sa.String(length=10), nullable=False),
    sa.Column('plate_color', sa.Enum('blue', 'yellow', 'yellow_green', 'green', 'white', 'black', name='plate_color', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('vin', sa.String(length=17), nullable=True),
    sa.Column('engine_no', sa.String(length=32), nullable=True),
    sa.Column('emission_stage', sa.Enum('0', '1', '2', '3', '4', '5', '6', 'D', name='emission_stage', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('stage_source', sa.Enum('declared', 'verified', 'inferred', name='stage_source', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('fuel_type', sa.Enum('diesel', 'gas', 'gasoline', 'electric', 'hybrid', 'hydrogen', name='fuel_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('vehicle_class', sa.Enum('heavy_truck', 'medium_truck', 'light_truck', 'tractor', 'special', 'other', name='vehicle_class', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vehicles')),
    sa.UniqueConstraint('plate', name=op.f('uq_vehicles_plate')),
    sa.UniqueConstraint('vin', name=op.f('uq_vehicles_vin'))
    )
    with op.batch_alter_table('vehicles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vehicles_owner'), ['owner'], unique=False)

    op.create_table('gates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_gates_firm_id_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gates')),
    sa.UniqueConstraint('code', name=op.f('uq_gates_code'))
    )
    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gates_firm_id'), ['firm_id'], unique=False)

    op.create_table('sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('low_emission_zone', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['construction_units.id'], name=op.f('fk_sites_unit_id_construction_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites'))
    )
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sites_unit_id'), ['unit_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=True),
    sa.Column('role', sa.Enum('admin', 'bureau', 'police', 'firm', 'construction', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=True),
    sa.Column('construction_unit_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['construction_unit_id'], ['construction_units.id'], name=op.f('fk_users_construction_unit_id_construction_units')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_users_firm_id_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_construction_unit_id'), ['construction_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_firm_id'), ['firm_id'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('yellow', 'orange', 'red', name='alert_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_early_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('document_no', sa.String(length=100), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_alerts_issued_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_starts_at'), ['starts_at'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_entity_id'), ['entity_id'], unique=False)

    op.create_table('machinery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('machine_type', sa.Enum('excavator', 'loader', 'bulldozer', 'crane', 'roller', 'paver', 'grader', 'forklift', 'pile_driver', 'other', name='machine_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('manufacturer', sa.String(length=200), nullable=False),
    sa.Column('pin', sa.String(length=17), nullable=True),
    sa.Column('engine_model', sa.String(length=100), nullable=True),
    sa.Column('engine_no', sa.String(length=32), nullable=True),
    sa.Column('rated_power_kw', sa.Numeric(precision=7, scale=1), nullable=False),
    sa.Column('fuel_type', sa.Enum('diesel', 'electric', 'gas', 'hybrid', name='machine_fuel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('emission_stage', sa.Enum('1', '2', '3', '4', 'D', 'X', name='machine_stage', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('production_date', sa.Date(), nullable=True),
    sa.Column('acquisition_date', sa.Date(), nullable=True),
    sa.Column('aftertreatment', sa.String(length=200), nullable=True),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', 'retired', name='machinery_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('registration_code', sa.String(length=32), nullable=True),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_machinery_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['construction_units.id'], name=op.f('fk_machinery_unit_id_construction_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_machinery')),
    sa.UniqueConstraint('engine_no', name=op.f('uq_machinery_engine_no')),
    sa.UniqueConstraint('pin', name=op.f('uq_machinery_pin')),
    sa.UniqueConstraint('registration_code', name=op.f('uq_machinery_registration_code'))
    )
    with op.batch_alter_table('machinery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_machinery_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_machinery_unit_id'), ['unit_id'], unique=False)

    op.create_table('plate_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gate_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('plate_raw', sa.String(length=32), nullable=False),
    sa.Column('plate', sa.String(length=32), nullable=False),
    sa.Column('plate_color', sa.Enum('blue', 'yellow', 'yellow_green', 'green', 'white', 'black', name='plate_color', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('direction', sa.Enum('in', 'out', name='direction', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('lane', sa.String(length=20), nullable=True),
    sa.Column('vehicle_type', sa.String(length=50), nullable=True),
    sa.Column('read_count', sa.Integer(), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['gate_id'], ['gates.id'], name=op.f('fk_plate_events_gate_id_gates')),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_plate_events_vehicle_id_vehicles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plate_events')),
    sa.UniqueConstraint('gate_id', 'event_id', name=op.f('uq_plate_events_gate_id_event_id'))
    )
    with op.batch_alter_table('plate_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plate_events_captured_at'), ['captured_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_plate_events_gate_id'), ['gate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plate_events_plate'), ['plate'], unique=False)
        batch_op.create_index(batch_op.f('ix_plate_events_vehicle_id'), ['vehicle_id'], unique=False)

    op.create_table('exemptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('plate', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_exemptions_alert_id_alerts')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_exemptions_approved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemptions')),
    sa.UniqueConstraint('alert_id', 'plate', name=op.f('uq_exemptions_alert_id_plate'))
    )
    with op.batch_alter_table('exemptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exemptions_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exemptions_plate'), ['plate'], unique=False)

    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('machinery_id', sa.Integer(), nullable=False),
    sa.Column('inspected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('k', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('ringelmann', sa.Integer(), nullable=True),
    sa.Column('limit_k', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('result', sa.Enum('pass', 'fail', name='inspection_result', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_inspections_inspector_id_users')),
    sa.ForeignKeyConstraint(['machinery_id'], ['machinery.id'], name=op.f('fk_inspections_machinery_id_machinery')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_inspected_at'), ['inspected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_machinery_id'), ['machinery_id'], unique=False)

    op.create_table('site_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('machinery_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_site_declarations_declared_by_id_users')),
    sa.ForeignKeyConstraint(['machinery_id'], ['machinery.id'], name=op.f('fk_site_declarations_machinery_id_machinery')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_declarations_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_declarations')),
    sa.UniqueConstraint('site_id', 'machinery_id', 'valid_from', name=op.f('uq_site_declarations_site_id_machinery_id_valid_from'))
    )
    with op.batch_alter_table('site_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_declarations_machinery_id'), ['machinery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_declarations_site_id'), ['site_id'], unique=False)

    op.create_table('verdicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plate_event_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Enum('pass', 'deny', 'review', name='decision', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('findings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('policy_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('stage_inferred', sa.Boolean(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_verdicts_alert_id_alerts')),
    sa.ForeignKeyConstraint(['plate_event_id'], ['plate_events.id'], name=op.f('fk_verdicts_plate_event_id_plate_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdicts')),
    sa.UniqueConstraint('plate_event_id', name=op.f('uq_verdicts_plate_event_id'))
    )
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verdicts_decision'), ['decision'], unique=False)

    op.create_table('violations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plate_event_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.Enum('deny', 'review', 'info', name='severity', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'confirmed', 'dismissed', name='violation_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('context', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plate_event_id'], ['plate_events.id'], name=op.f('fk_violations_plate_event_id_plate_events')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_violations_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violations'))
    )
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violations_plate_event_id'), ['plate_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violations_rule'), ['rule'], unique=False)
        batch_op.create_index(batch_op.f('ix_violations_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violations_status'))
        batch_op.drop_index(batch_op.f('ix_violations_rule'))
        batch_op.drop_index(batch_op.f('ix_violations_plate_event_id'))

    op.drop_table('violations')
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verdicts_decision'))

    op.drop_table('verdicts')
    with op.batch_alter_table('site_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_declarations_site_id'))
        batch_op.drop_index(batch_op.f('ix_site_declarations_machinery_id'))

    op.drop_table('site_declarations')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_machinery_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_inspected_at'))

    op.drop_table('inspections')
    with op.batch_alter_table('exemptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exemptions_plate'))
        batch_op.drop_index(batch_op.f('ix_exemptions_alert_id'))

    op.drop_table('exemptions')
    with op.batch_alter_table('plate_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plate_events_vehicle_id'))
        batch_op.drop_index(batch_op.f('ix_plate_events_plate'))
        batch_op.drop_index(batch_op.f('ix_plate_events_gate_id'))
        batch_op.drop_index(batch_op.f('ix_plate_events_captured_at'))

    op.drop_table('plate_events')
    with op.batch_alter_table('machinery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_machinery_unit_id'))
        batch_op.drop_index(batch_op.f('ix_machinery_status'))

    op.drop_table('machinery')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_entity_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_actor_id'))

    op.drop_table('audit_log')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alerts_starts_at'))
        batch_op.drop_index(batch_op.f('ix_alerts_ends_at'))

    op.drop_table('alerts')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_firm_id'))
        batch_op.drop_index(batch_op.f('ix_users_construction_unit_id'))

    op.drop_table('users')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sites_unit_id'))

    op.drop_table('sites')
    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gates_firm_id'))

    op.drop_table('gates')
    with op.batch_alter_table('vehicles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicles_owner'))

    op.drop_table('vehicles')
    with op.batch_alter_table('firms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firms_region'))
        batch_op.drop_index(batch_op.f('ix_firms_name'))

    op.drop_table('firms')
    op.drop_table('construction_units')
