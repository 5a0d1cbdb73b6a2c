"""roadside: remote-sensing results, black-smoke captures, suspected high emitters, road checkpoints and
restriction zones with their permits (天地车人, the road)

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07

A road checkpoint (卡口) is a gate that belongs to the bureau or the police, not a firm: gates, and the
violations, cases and daily counts of its passes, may now have no firm. The policies REMOTE_SENSING (20),
HIGH_EMITTER (21) and RESTRICTION_ZONE (22) are seeded from registry.rules.plan_2021.
"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations import sqlite_guards

revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None

SEEDED = {  # registry.rules.plan_2021.POLICIES 20-22, as they stood when this migration was written
    20: {
        'rule': 'REMOTE_SENSING',
        'params': {
            'require_station_valid': True, 'min_speed_kmh': 5.0, 'max_speed_kmh': 120.0,
            'min_acceleration': None, 'max_acceleration': None, 'max_wind_speed': 5.0,
            'min_temperature': -20.0, 'max_temperature': 45.0, 'max_humidity': 95.0,
            'limits': {'diesel': {'opacity': 30.0, 'ringelmann': 1, 'no_ppm': None},
                       'gasoline': {'no_ppm': None, 'hc_ppm': None, 'co_percent': None}},
        },
        'clause': '忻府区空气质量巩固提升2021年行动计划 第（四）（15）条；HJ 845-2017 遥感检测法：有效性条件与限值由生态环境局设定（标准原文未核实）'
        ' / clauses 4(4), (15); HJ 845-2017: the bureau sets validity conditions and limits (the standard\'s values not confirmed here)',
    },
    21: {
        'rule': 'HIGH_EMITTER',
        'params': {'window_months': 6, 'exceedances': 2, 'same_pollutant': True, 'black_smoke': True,
                   'severity': 'review'},
        'clause': '忻府区空气质量巩固提升2021年行动计划 第（15）条：六个月内同一污染物两次以上遥感超标，或黑烟抓拍经确认的，列为疑似高排放车辆，转路检及人工核查'
        ' / clause (15): the same pollutant over its limit twice within six months, or a confirmed black-smoke capture,'
        ' makes a suspected high emitter, checked at the roadside and by a person',
    },
    22: {
        'rule': 'RESTRICTION_ZONE',
        'params': {'severity': 'deny', 'unknown_stage': 'review', 'unregistered_colours': ['yellow']},
        'clause': '忻府区空气质量巩固提升2021年行动计划 第（18）条：秋冬季过境重型柴油货车绕行城市建成区'
        ' / clause (18): transit heavy diesel trucks go around the built-up area in autumn and winter',
    },
}
policies = sa.table(
    'policies',
    sa.column('id', sa.Integer), sa.column('rule', sa.String), sa.column('params', sa.JSON),
    sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date), sa.column('clause', sa.String),
    sa.column('version', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('updated_at', sa.DateTime(timezone=True)),
)
FIRM_OPTIONAL = ('cases', 'daily_passes', 'daily_violations', 'violations')


def upgrade():
    op.create_table('sensing_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('vendor', sa.String(length=100), nullable=False),
    sa.Column('columns', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('time_format', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sensing_mappings')),
    sa.UniqueConstraint('name', name=op.f('uq_sensing_mappings_name'))
    )
    op.create_table('roadside_stations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('road', sa.String(length=100), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('mapping_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mapping_id'], ['sensing_mappings.id'], name=op.f('fk_roadside_stations_mapping_id_sensing_mappings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadside_stations')),
    sa.UniqueConstraint('code', name=op.f('uq_roadside_stations_code'))
    )
    op.create_table('restriction_zones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('clause', sa.String(length=300), nullable=False),
    sa.Column('polygon', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('roads', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('season_from', sa.String(length=5), nullable=True),
    sa.Column('season_to', sa.String(length=5), nullable=True),
    sa.Column('hours_from', sa.String(length=5), nullable=True),
    sa.Column('hours_to', sa.String(length=5), nullable=True),
    sa.Column('alert_levels', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('vehicle_classes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('max_stage', sa.String(length=2), nullable=True),
    sa.Column('fuel_types', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('origin', sa.String(length=8), nullable=False),
    sa.Column('local_prefixes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_restriction_zones_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restriction_zones'))
    )
    op.create_table('high_emitters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plate', sa.String(length=16), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=True),
    sa.Column('listed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=True),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cleared_by_id', sa.Integer(), nullable=True),
    sa.Column('clear_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['cleared_by_id'], ['users.id'], name=op.f('fk_high_emitters_cleared_by_id_users')),
    sa.ForeignKeyConstraint(['policy_id'], ['policies.id'], name=op.f('fk_high_emitters_policy_id_policies')),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_high_emitters_vehicle_id_vehicles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_high_emitters'))
    )
    with op.batch_alter_table('high_emitters', schema=None) as batch_op:
        batch_op.create_index('ix_high_emitters_listed_plate', ['plate'], unique=True, postgresql_where=sa.text('cleared_at IS NULL'), sqlite_where=sa.text('cleared_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_high_emitters_plate'), ['plate'], unique=False)
        batch_op.create_index(batch_op.f('ix_high_emitters_vehicle_id'), ['vehicle_id'], unique=False)

    op.create_table('sensing_results',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('lane', sa.String(length=8), nullable=False),
    sa.Column('measured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('plate', sa.String(length=16), nullable=False),
    sa.Column('plate_color', sa.String(length=16), nullable=True),
    sa.Column('vehicle_type', sa.String(length=40), nullable=True),
    sa.Column('fuel', sa.String(length=12), nullable=True),
    sa.Column('speed_kmh', sa.Float(), nullable=True),
    sa.Column('acceleration', sa.Float(), nullable=True),
    sa.Column('wind_speed', sa.Float(), nullable=True),
    sa.Column('temperature', sa.Float(), nullable=True),
    sa.Column('humidity', sa.Float(), nullable=True),
    sa.Column('pressure', sa.Float(), nullable=True),
    sa.Column('opacity', sa.Float(), nullable=True),
    sa.Column('no_ppm', sa.Float(), nullable=True),
    sa.Column('co2_percent', sa.Float(), nullable=True),
    sa.Column('hc_ppm', sa.Float(), nullable=True),
    sa.Column('co_percent', sa.Float(), nullable=True),
    sa.Column('ringelmann', sa.SmallInteger(), nullable=True),
    sa.Column('pictures', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('station_valid', sa.Boolean(), nullable=True),
    sa.Column('station_result', sa.String(length=40), nullable=True),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('exceeded', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('judged', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=True),
    sa.Column('vehicle_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=True),
    sa.Column('source_line', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['policies.id'], name=op.f('fk_sensing_results_policy_id_policies')),
    sa.ForeignKeyConstraint(['station_id'], ['roadside_stations.id'], name=op.f('fk_sensing_results_station_id_roadside_stations')),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_sensing_results_vehicle_id_vehicles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sensing_results')),
    sa.UniqueConstraint('station_id', 'measured_at', 'lane', 'plate', name='uq_sensing_results_reading')
    )
    with op.batch_alter_table('sensing_results', schema=None) as batch_op:
        batch_op.create_index('ix_sensing_results_plate_time', ['plate', 'measured_at'], unique=False)
        batch_op.create_index('ix_sensing_results_time', ['measured_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sensing_results_vehicle_id'), ['vehicle_id'], unique=False)

    op.create_table('smoke_captures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('lane', sa.String(length=8), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('plate', sa.String(length=16), nullable=False),
    sa.Column('plate_color', sa.String(length=16), nullable=True),
    sa.Column('vehicle_type', sa.String(length=40), nullable=True),
    sa.Column('grade', sa.SmallInteger(), nullable=False),
    sa.Column('threshold', sa.SmallInteger(), nullable=False),
    sa.Column('pictures', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('video_url', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('vehicle_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_smoke_captures_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['station_id'], ['roadside_stations.id'], name=op.f('fk_smoke_captures_station_id_roadside_stations')),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_smoke_captures_vehicle_id_vehicles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_smoke_captures')),
    sa.UniqueConstraint('station_id', 'captured_at', 'lane', 'plate', name='uq_smoke_captures_capture')
    )
    with op.batch_alter_table('smoke_captures', schema=None) as batch_op:
        batch_op.create_index('ix_smoke_captures_plate_time', ['plate', 'captured_at'], unique=False)
        batch_op.create_index('ix_smoke_captures_status_time', ['status', 'captured_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_smoke_captures_vehicle_id'), ['vehicle_id'], unique=False)

    op.create_table('zone_checkpoints',
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('gate_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gate_id'], ['gates.id'], name=op.f('fk_zone_checkpoints_gate_id_gates')),
    sa.ForeignKeyConstraint(['zone_id'], ['restriction_zones.id'], name=op.f('fk_zone_checkpoints_zone_id_restriction_zones'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('zone_id', 'gate_id', name=op.f('pk_zone_checkpoints'))
    )
    op.create_table('zone_permits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('plate', sa.String(length=16), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('route', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('hours_from', sa.String(length=5), nullable=True),
    sa.Column('hours_to', sa.String(length=5), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_zone_permits_issued_by_id_users')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_zone_permits_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['zone_id'], ['restriction_zones.id'], name=op.f('fk_zone_permits_zone_id_restriction_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zone_permits')),
    sa.UniqueConstraint('number', name=op.f('uq_zone_permits_number'))
    )
    with op.batch_alter_table('zone_permits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zone_permits_plate'), ['plate'], unique=False)

    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='gate', nullable=False))
        batch_op.add_column(sa.Column('operator', sa.String(length=8), nullable=True))
        batch_op.alter_column('firm_id', existing_type=sa.INTEGER(), nullable=True)
    _firm_optional(True)
    _seed()


def _firm_optional(optional: bool):
    """In place on PostgreSQL (the partitions follow their parent); a copy on SQLite, without the guards."""
    postgres = op.get_bind().dialect.name == 'postgresql'
    if not postgres:
        sqlite_guards.dropped()
    for table in FIRM_OPTIONAL:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('firm_id', existing_type=sa.INTEGER(), nullable=optional)
    if not postgres:
        sqlite_guards.restored()


def _seed():
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    now = datetime.now(timezone.utc)
    if not postgres:
        now = now.replace(tzinfo=None)  # the app stores naive UTC on SQLite
    for policy_id, policy in SEEDED.items():
        taken = bind.execute(sa.text('SELECT count(*) FROM policies WHERE id = :id'), {'id': policy_id}).scalar()
        row = {'rule': policy['rule'], 'params': policy['params'], 'effective_from': date(2000, 1, 1),
               'effective_to': None, 'clause': policy['clause'], 'version': 1, 'created_at': now, 'updated_at': now}
        bind.execute(policies.insert().values(**(row if taken else {'id': policy_id, **row})))
    if postgres:
        op.execute("SELECT setval(pg_get_serial_sequence('policies', 'id'), (SELECT max(id) FROM policies))")


def downgrade():
    op.execute("DELETE FROM policies WHERE rule IN ('REMOTE_SENSING', 'HIGH_EMITTER', 'RESTRICTION_ZONE')")
    op.execute("DELETE FROM violations WHERE firm_id IS NULL")
    op.execute("DELETE FROM cases WHERE firm_id IS NULL")
    op.execute("DELETE FROM daily_passes WHERE firm_id IS NULL")
    op.execute("DELETE FROM daily_violations WHERE firm_id IS NULL")
    _firm_optional(False)
    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.alter_column('firm_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('operator')
        batch_op.drop_column('kind')
    with op.batch_alter_table('zone_permits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zone_permits_plate'))

    op.drop_table('zone_permits')
    op.drop_table('zone_checkpoints')
    with op.batch_alter_table('smoke_captures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_smoke_captures_vehicle_id'))
        batch_op.drop_index('ix_smoke_captures_status_time')
        batch_op.drop_index('ix_smoke_captures_plate_time')

    op.drop_table('smoke_captures')
    with op.batch_alter_table('sensing_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sensing_results_vehicle_id'))
        batch_op.drop_index('ix_sensing_results_time')
        batch_op.drop_index('ix_sensing_results_plate_time')

    op.drop_table('sensing_results')
    with op.batch_alter_table('high_emitters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_high_emitters_vehicle_id'))
        batch_op.drop_index(batch_op.f('ix_high_emitters_plate'))
        batch_op.drop_index('ix_high_emitters_listed_plate', postgresql_where=sa.text('cleared_at IS NULL'), sqlite_where=sa.text('cleared_at IS NULL'))

    op.drop_table('high_emitters')
    op.drop_table('restriction_zones')
    op.drop_table('roadside_stations')
    op.drop_table('sensing_mappings')
