"""trucks' remote emission terminals (远程排放监控终端) and their frames as received

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07

Each terminal by VIN, with its truck, its activation keys and its current state; its alarms (open until
what raised them clears), each naming the frames it rests on; a summary of each truck's day of data;
every frame with its bytes as received, keyed by VIN, kind, collection time and serial (a resend finds its frame kept). On
PostgreSQL the frames are partitioned by the local day of their collection time, with a DEFAULT
partition for days not made yet (registry.obd.days makes the days to come and drops old ones).
"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

OBD_MONITORING = {
    'id': 19,
    'rule': 'OBD_MONITORING',
    'params': {
        'stages': ['6'], 'silent_days': 3, 'require_terminal': False,
        'gate_alarms': ['mil', 'urea_empty', 'urea_low', 'nox_high', 'scr_low', 'dpf', 'tamper'],
        'severity': 'review', 'urea_low_percent': 10.0, 'urea_empty_percent': 2.0, 'scr_warm_celsius': 250.0,
        'nox_high_ppm': 500.0, 'scr_efficiency_low': 0.5, 'dpf_pressure_high_kpa': 50.0,
        'position_invalid_hours': 24,
    },
    'clause': '忻府区空气质量巩固提升2021年行动计划 第（15）（18）条：国六重型柴油车远程排放监控终端离线或报警的，转人工核查'
    ' / clauses (15), (18): a China VI truck whose remote terminal is silent or alarming is checked by a person',
}
policies = sa.table(
    'policies',
    sa.column('id', sa.Integer), sa.column('rule', sa.String), sa.column('params', sa.JSON),
    sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date), sa.column('clause', sa.String),
    sa.column('version', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('updated_at', sa.DateTime(timezone=True)),
)

revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'obd_terminals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('vin', sa.String(length=17), nullable=False),
        sa.Column('vehicle_id', sa.Integer(), nullable=True),
        sa.Column('registered', sa.Boolean(), nullable=False),
        sa.Column('registered_by_id', sa.Integer(), nullable=True),
        sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('chip_id', sa.String(length=16), nullable=True),
        sa.Column('public_key', sa.LargeBinary(), nullable=True),
        sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('iccid', sa.String(length=20), nullable=True),
        sa.Column('software_version', sa.SmallInteger(), nullable=True),
        sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_received_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_collected_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('longitude', sa.Float(), nullable=True),
        sa.Column('latitude', sa.Float(), nullable=True),
        sa.Column('position_valid', sa.Boolean(), nullable=True),
        sa.Column('last_fix_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('speed', sa.Float(), nullable=True),
        sa.Column('mil', sa.Boolean(), nullable=True),
        sa.Column('fault_codes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
        sa.Column('urea_level', sa.Float(), nullable=True),
        sa.Column('nox_upstream', sa.Float(), nullable=True),
        sa.Column('nox_downstream', sa.Float(), nullable=True),
        sa.Column('scr_inlet_temperature', sa.Float(), nullable=True),
        sa.Column('scr_outlet_temperature', sa.Float(), nullable=True),
        sa.Column('dpf_pressure_difference', sa.Float(), nullable=True),
        sa.Column('odometer', sa.Float(), nullable=True),
        sa.Column('signature', sa.String(length=10), nullable=True),
        sa.Column('tamper_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_obd_terminals_registered_by_id_users')),
        sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_obd_terminals_vehicle_id_vehicles')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_obd_terminals')),
        sa.UniqueConstraint('vin', name=op.f('uq_obd_terminals_vin')),
    )
    op.create_index(op.f('ix_obd_terminals_vehicle_id'), 'obd_terminals', ['vehicle_id'], unique=False)
    columns = [
        sa.Column('vin', sa.String(length=17), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('collected_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('serial', sa.Integer(), nullable=False),
        sa.Column('command', sa.SmallInteger(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('layout', sa.String(length=8), nullable=True),
        sa.Column('signature', sa.String(length=10), nullable=True),
        sa.Column('samples', sa.SmallInteger(), nullable=False),
        sa.Column('raw', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('vin', 'kind', 'collected_at', 'serial', name=op.f('pk_obd_frames')),
    ]
    if op.get_bind().dialect.name == 'postgresql':
        op.create_table('obd_frames', *columns, postgresql_partition_by='RANGE (collected_at)')
        op.execute('CREATE TABLE obd_frames_default PARTITION OF obd_frames DEFAULT')
    else:
        op.create_table('obd_frames', *columns)
    op.create_table(
        'obd_days',
        sa.Column('vin', sa.String(length=17), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('samples', sa.Integer(), nullable=False),
        sa.Column('frames', sa.Integer(), nullable=False),
        sa.Column('frame_bytes', sa.BigInteger(), nullable=False),
        sa.Column('minutes', sa.LargeBinary(), nullable=False),
        sa.Column('first_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('odometer_low', sa.Float(), nullable=True),
        sa.Column('odometer_high', sa.Float(), nullable=True),
        sa.Column('engine_seconds', sa.Integer(), nullable=False),
        sa.Column('warm_samples', sa.Integer(), nullable=False),
        sa.Column('nox_up_warm', sa.Float(), nullable=False),
        sa.Column('nox_down_warm', sa.Float(), nullable=False),
        sa.Column('nox_down_histogram', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
        sa.Column('urea_lowest', sa.Float(), nullable=True),
        sa.Column('mil_seconds', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('vin', 'day', name=op.f('pk_obd_days')),
    )
    op.create_table(
        'obd_alarms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('vin', sa.String(length=17), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('value', sa.Float(), nullable=True),
        sa.Column('threshold', sa.Float(), nullable=True),
        sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
        sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
        sa.Column('policy_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['policy_id'], ['policies.id'], name=op.f('fk_obd_alarms_policy_id_policies')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_obd_alarms')),
    )
    op.create_index('ix_obd_alarms_open', 'obd_alarms', ['vin', 'kind'], unique=True,
                    postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))
    op.create_index('ix_obd_alarms_opened_at', 'obd_alarms', ['opened_at'], unique=False)


    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    now = datetime.now(timezone.utc)
    if not postgres:
        now = now.replace(tzinfo=None)  # the app stores naive UTC on SQLite
    taken = bind.execute(sa.text('SELECT count(*) FROM policies WHERE id = 19')).scalar()
    row = {'rule': OBD_MONITORING['rule'], 'params': OBD_MONITORING['params'], 'effective_from': date(2000, 1, 1),
           'effective_to': None, 'clause': OBD_MONITORING['clause'], 'version': 1, 'created_at': now, 'updated_at': now}
    bind.execute(policies.insert().values(**(row if taken else {'id': OBD_MONITORING['id'], **row})))
    if postgres:
        op.execute("SELECT setval(pg_get_serial_sequence('policies', 'id'), (SELECT max(id) FROM policies))")


def downgrade():
    op.drop_index('ix_obd_alarms_opened_at', table_name='obd_alarms')
    op.drop_index('ix_obd_alarms_open', table_name='obd_alarms')
    op.drop_table('obd_alarms')
    op.drop_table('obd_days')
    op.execute("DELETE FROM policies WHERE rule = 'OBD_MONITORING'")
    op.drop_table('obd_frames')
    op.drop_index(op.f('ix_obd_terminals_vehicle_id'), table_name='obd_terminals')
    op.drop_table('obd_terminals')
