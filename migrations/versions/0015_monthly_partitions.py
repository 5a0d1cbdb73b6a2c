"""monthly partitions: passes and the rows hanging off them partitioned by month on PostgreSQL; each
gate's last pass on its row

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

PostgreSQL: plate_events is partitioned by RANGE of captured_at, by local calendar month; verdicts,
plate_reads and pass_images gain pass_at (their pass's captured_at) and are partitioned by it, and
violations by its captured_at (the pass's, since 0014). Each table gets a partition per month from the
oldest pass to three months ahead, and a DEFAULT partition. Keys carry the month: primary keys are
(id, time), the unique (gate, event id) keys are (gate, event id, time), and each child month refers
to its parent month by a foreign key of its own, so that a month can be dropped without a check of
any other. Existing rows are copied into the new tables (which are then renamed into place), indexes
are built after the copy, and migration 0005's guards are made again on the partitioned tables.
(registry.partitions makes the months to come and retires old ones.)

SQLite keeps plain tables; the children gain pass_at there too, so that both engines store the same
rows. Both: gates gain last_pass_at and last_camera_time, kept by ingest, and plate_events' index on
(gate_id, received_at) becomes (gate_id, captured_at, id).
"""
from datetime import date, datetime, timezone, timedelta

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

LOCAL = timezone(timedelta(hours=8))  # Asia/Shanghai: UTC+8 all year since 1991
WITH_PASS_AT = ('verdicts', 'plate_reads', 'pass_images')
PARENT = 'plate_events'
# table -> partition key, unique keys, plain indexes, foreign keys to tables that are not partitioned
TABLES = {
    'plate_events': {
        'key': 'captured_at',
        'unique': {'uq_plate_events_gate_id_event_id': 'gate_id, event_id'},
        'indexes': {
            'ix_plate_events_captured_at_id': '(captured_at, id) INCLUDE (gate_id)',
            'ix_plate_events_gate_time': '(gate_id, captured_at, id)',
            'ix_plate_events_plate_captured_at': '(plate, captured_at, id)',
            'ix_plate_events_vehicle_id': '(vehicle_id)',
        },
        'fks': {'fk_plate_events_gate_id_gates': ('gate_id', 'gates'),
                'fk_plate_events_vehicle_id_vehicles': ('vehicle_id', 'vehicles')},
    },
    'verdicts': {
        'key': 'pass_at',
        'unique': {'uq_verdicts_plate_event_id': 'plate_event_id'},
        'indexes': {'ix_verdicts_decision': '(decision)'},
        'fks': {'fk_verdicts_alert_id_alerts': ('alert_id', 'alerts')},
    },
    'plate_reads': {
        'key': 'pass_at',
        'unique': {'uq_plate_reads_gate_id_event_id': 'gate_id, event_id'},
        'indexes': {'ix_plate_reads_plate_event_id': '(plate_event_id)'},
        'fks': {'fk_plate_reads_gate_id_gates': ('gate_id', 'gates')},
    },
    'pass_images': {
        'key': 'pass_at',
        'unique': {},
        'indexes': {
            'ix_pass_images_analysed_at': '(analysed_at)',
            'ix_pass_images_plate_event_id': '(plate_event_id)',
            'ix_pass_images_sha256': '(sha256)',
            'ix_pass_images_to_fetch': '(id) WHERE reference IS NOT NULL AND sha256 IS NULL',
        },
        'fks': {},
    },
    'violations': {
        'key': 'captured_at',
        'unique': {},
        'indexes': {
            'ix_violations_alert_id': '(alert_id)',
            'ix_violations_plate_event_id': '(plate_event_id)',
            'ix_violations_created_at_id': '(created_at, id)',
            'ix_violations_captured_at': '(captured_at, id)',
            'ix_violations_status_time': '(status, captured_at, id)',
            'ix_violations_rule_time': '(rule, captured_at, id)',
            'ix_violations_severity_time': '(severity, captured_at, id)',
            'ix_violations_firm_time': '(firm_id, captured_at, id)',
            'ix_violations_gate_time': '(gate_id, captured_at, id)',
            'ix_violations_plate_time': '(plate, captured_at, id)',
            'ix_violations_level_time': '(alert_level, captured_at, id) WHERE alert_level IS NOT NULL',
        },
        'fks': {'fk_violations_alert_id_alerts': ('alert_id', 'alerts'),
                'fk_violations_firm_id_firms': ('firm_id', 'firms'),
                'fk_violations_gate_id_gates': ('gate_id', 'gates'),
                'fk_violations_reviewed_by_id_users': ('reviewed_by_id', 'users')},
    },
}
GUARDS = [  # migration 0005's triggers on PostgreSQL (their functions stay)
    ('protect_confirmed_violation_delete', 'violations', 'DELETE'),
    ('protect_confirmed_violation_update', 'violations', 'UPDATE'),
    ('protect_evidence_image_delete', 'pass_images', 'DELETE'),
    ('protect_evidence_image_purge', 'pass_images', 'UPDATE'),
    ('protect_evidence_pass_delete', 'plate_events', 'DELETE'),
]


def _add_months(month: date, months: int) -> date:
    year, index = divmod(month.year * 12 + month.month - 1 + months, 12)
    return date(year, index + 1, 1)


def _months(bind) -> list[date]:
    """From the oldest stored pass's local month (or two months back) to three months ahead."""
    now = datetime.now(LOCAL).date().replace(day=1)
    oldest = bind.execute(sa.text(f"SELECT min(captured_at) FROM {PARENT}_unpartitioned")).scalar()
    first = min(oldest.astimezone(LOCAL).date().replace(day=1), now) if oldest else _add_months(now, -2)
    newest = bind.execute(sa.text(f"SELECT max(captured_at) FROM {PARENT}_unpartitioned")).scalar()
    last = max(newest.astimezone(LOCAL).date().replace(day=1), now) if newest else now
    months, month = [], first
    while month <= _add_months(last, 3):
        months.append(month)
        month = _add_months(month, 1)
    return months


def _part(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def _bounds(month: date) -> tuple[str, str]:
    following = _add_months(month, 1)
    return (datetime(month.year, month.month, 1, tzinfo=LOCAL).isoformat(),
            datetime(following.year, following.month, 1, tzinfo=LOCAL).isoformat())


def _sequence(bind, table: str) -> str:
    return bind.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {'t': table}).scalar()


def _set_aside(bind, table: str) -> str:
    """Rename a table and its indexes out of the way of the new one; returns its id sequence."""
    sequence = _sequence(bind, table)
    op.execute(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
    op.execute(f"ALTER TABLE {table} RENAME TO {table}_unpartitioned")
    for (index,) in bind.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = :t"),
                                 {'t': f"{table}_unpartitioned"}):
        op.execute(f'ALTER INDEX "{index}" RENAME TO "{index[:50]}_unpartitioned"')
    return sequence


def _keys(table: str, spec: dict, partitioned: bool) -> None:
    key = f", {spec['key']}" if partitioned else ''
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY (id{key})")
    for name, columns in spec['unique'].items():
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({columns}{key})")
    for name, definition in spec['indexes'].items():
        op.execute(f"CREATE INDEX {name} ON {table} {definition}")
    for name, (column, target) in spec['fks'].items():
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}) REFERENCES {target} (id)")


def _guards() -> None:
    for name, table, event in GUARDS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    op.add_column('gates', sa.Column('last_pass_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('gates', sa.Column('last_camera_time', sa.String(length=40), nullable=True))
    op.execute(
        "UPDATE gates SET last_pass_at = (SELECT max(received_at) FROM plate_events pe WHERE pe.gate_id = gates.id), "
        "last_camera_time = (SELECT camera_time FROM plate_events pe WHERE pe.gate_id = gates.id "
        "                    ORDER BY received_at DESC, id DESC LIMIT 1)"
    )
    for table in WITH_PASS_AT:
        if postgres:
            op.add_column(table, sa.Column('pass_at', sa.DateTime(timezone=True), nullable=True))
            op.execute(f"UPDATE {table} t SET pass_at = pe.captured_at FROM plate_events pe WHERE pe.id = t.plate_event_id")
            op.alter_column(table, 'pass_at', nullable=False)
        else:  # SQLite adds a NOT NULL column only with a default, which no row keeps
            op.add_column(table, sa.Column('pass_at', sa.DateTime(timezone=True), nullable=False,
                                           server_default='1970-01-01 00:00:00'))
            op.execute(f"UPDATE {table} SET pass_at = (SELECT captured_at FROM plate_events pe "
                       f"WHERE pe.id = {table}.plate_event_id)")
    if not postgres:
        op.drop_index('ix_plate_events_gate_id_received_at', table_name='plate_events')
        op.create_index('ix_plate_events_gate_time', 'plate_events', ['gate_id', 'captured_at', 'id'])
        return

    sequences = {table: _set_aside(bind, table) for table in TABLES}
    months = _months(bind)
    for table, spec in TABLES.items():
        op.execute(f"CREATE TABLE {table} (LIKE {table}_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
                   f"PARTITION BY RANGE ({spec['key']})")
        for month in months:
            start, end = _bounds(month)
            op.execute(f"CREATE TABLE {_part(table, month)} PARTITION OF {table} FOR VALUES FROM ('{start}') TO ('{end}')")
        op.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
        op.execute(f"INSERT INTO {table} SELECT * FROM {table}_unpartitioned")
    for table in reversed(list(TABLES)):  # children first: their references go with them
        op.execute(f"DROP TABLE {table}_unpartitioned")
    for table, spec in TABLES.items():
        op.execute(f"ALTER SEQUENCE {sequences[table]} OWNED BY {table}.id")
        _keys(table, spec, partitioned=True)
    for table, spec in TABLES.items():
        if table == PARENT:
            continue
        for parent, child in [(_part(PARENT, m), _part(table, m)) for m in months] + [
            (f"{PARENT}_default", f"{table}_default")
        ]:
            op.execute(f"ALTER TABLE {child} ADD CONSTRAINT fk_{child}_pass FOREIGN KEY (plate_event_id, {spec['key']}) "
                       f"REFERENCES {parent} (id, captured_at)")
    _guards()
    op.execute("ANALYZE " + ", ".join(TABLES))


def downgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    if postgres:
        sequences = {table: _sequence(bind, table) for table in TABLES}
        for table in TABLES:
            op.execute(f"ALTER SEQUENCE {sequences[table]} OWNED BY NONE")
            op.execute(f"ALTER TABLE {table} RENAME TO {table}_partitioned")
            for (index,) in bind.execute(sa.text(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = :t"), {'t': f"{table}_partitioned"}):
                op.execute(f'ALTER INDEX "{index}" RENAME TO "{index[:50]}_partitioned"')
            op.execute(f"CREATE TABLE {table} (LIKE {table}_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            op.execute(f"INSERT INTO {table} SELECT * FROM {table}_partitioned")
        for table in reversed(list(TABLES)):
            op.execute(f"DROP TABLE {table}_partitioned CASCADE")  # with its partitions
        for table, spec in TABLES.items():
            op.execute(f"ALTER SEQUENCE {sequences[table]} OWNED BY {table}.id")
            indexes = dict(spec['indexes'])
            if table == PARENT:
                del indexes['ix_plate_events_gate_time']
                indexes['ix_plate_events_captured_at_id'] = '(captured_at, id)'
                indexes['ix_plate_events_gate_id_received_at'] = '(gate_id, received_at)'
            _keys(table, spec | {'indexes': indexes}, partitioned=False)
            if table != PARENT:
                op.execute(f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_plate_event_id_plate_events "
                           f"FOREIGN KEY (plate_event_id) REFERENCES plate_events (id)")
        _guards()
    else:
        op.drop_index('ix_plate_events_gate_time', table_name='plate_events')
        op.create_index('ix_plate_events_gate_id_received_at', 'plate_events', ['gate_id', 'received_at'])
    for table in WITH_PASS_AT:
        op.drop_column(table, 'pass_at')
    op.drop_column('gates', 'last_camera_time')
    op.drop_column('gates', 'last_pass_at')
