"""city scale: violations carry what they are searched by, 64-bit ids, indexes for keyset lists, and
daily counts of passes and violations

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

- violations gain the pass's time, gate, firm and plate and the alert's level, filled from the passes
  here and copied by ingest from now on; each filter has an index that ends with (captured_at, id).
  They are NOT NULL with foreign keys on both engines: SQLite gets them by a table copy (batch mode),
  with migration 0005's guards dropped and made again around it (migrations/sqlite_guards.py).
- plate_events, plate_reads, pass_images, verdicts and violations get 64-bit ids and references on
  PostgreSQL (their sequences too); SQLite's row ids are 64-bit already.
- plate_events' single-column indexes on time and plate become (captured_at, id) and
  (plate, captured_at, id): the order lists are read in.
- daily_passes and daily_violations are filled from what is stored.
"""
import sqlalchemy as sa
from alembic import op

from migrations import sqlite_guards

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

GROWING = {  # table: its columns that hold a pass-table id
    'plate_events': ['id'],
    'plate_reads': ['id', 'plate_event_id'],
    'pass_images': ['id', 'plate_event_id'],
    'verdicts': ['id', 'plate_event_id'],
    'violations': ['id', 'plate_event_id'],
}
VIOLATION_INDEXES = [  # name, leading columns, partial condition
    ('captured_at', [], None),
    ('status_time', ['status'], None),
    ('rule_time', ['rule'], None),
    ('severity_time', ['severity'], None),
    ('firm_time', ['firm_id'], None),
    ('gate_time', ['gate_id'], None),
    ('plate_time', ['plate'], None),
    ('level_time', ['alert_level'], 'alert_level IS NOT NULL'),
]
COPIED = ('captured_at', 'gate_id', 'firm_id', 'plate')
LOCAL_DAY = {  # the local date (Asia/Shanghai, UTC+8 all year since 1991) of a stored UTC time
    'postgresql': "(({col}) AT TIME ZONE 'Asia/Shanghai')::date",
    'sqlite': "date({col}, '+8 hours')",
}


def upgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name
    postgres = dialect == 'postgresql'
    if postgres:
        for table, columns in GROWING.items():
            op.execute(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} TYPE bigint" for c in columns))
            sequence = bind.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {'t': table}).scalar()
            op.execute(f"ALTER SEQUENCE {sequence} AS bigint")

    op.add_column('violations', sa.Column('captured_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('violations', sa.Column('gate_id', sa.Integer(), nullable=True))
    op.add_column('violations', sa.Column('firm_id', sa.Integer(), nullable=True))
    op.add_column('violations', sa.Column('plate', sa.String(length=32), nullable=True))
    op.add_column('violations', sa.Column('alert_level', sa.String(length=10), nullable=True))
    if postgres:
        op.execute(
            "UPDATE violations v SET captured_at = pe.captured_at, gate_id = pe.gate_id, firm_id = g.firm_id, "
            "plate = pe.plate, alert_level = (SELECT a.level FROM alerts a WHERE a.id = v.alert_id) "
            "FROM plate_events pe JOIN gates g ON g.id = pe.gate_id WHERE pe.id = v.plate_event_id"
        )
    else:
        op.execute(
            "UPDATE violations SET "
            "captured_at = (SELECT captured_at FROM plate_events pe WHERE pe.id = violations.plate_event_id), "
            "gate_id = (SELECT gate_id FROM plate_events pe WHERE pe.id = violations.plate_event_id), "
            "firm_id = (SELECT g.firm_id FROM plate_events pe JOIN gates g ON g.id = pe.gate_id "
            "           WHERE pe.id = violations.plate_event_id), "
            "plate = (SELECT plate FROM plate_events pe WHERE pe.id = violations.plate_event_id), "
            "alert_level = (SELECT level FROM alerts a WHERE a.id = violations.alert_id)"
        )
    if not postgres:
        sqlite_guards.dropped()
    with op.batch_alter_table('violations') as batch:  # in place on PostgreSQL, a copy on SQLite
        for column in COPIED:
            batch.alter_column(column, nullable=False)
        batch.create_foreign_key('fk_violations_gate_id_gates', 'gates', ['gate_id'], ['id'])
        batch.create_foreign_key('fk_violations_firm_id_firms', 'firms', ['firm_id'], ['id'])
    if not postgres:
        sqlite_guards.restored()
    op.drop_index('ix_violations_rule', table_name='violations')
    op.drop_index('ix_violations_status', table_name='violations')
    for name, lead, where in VIOLATION_INDEXES:
        condition = {'postgresql_where': sa.text(where), 'sqlite_where': sa.text(where)} if where else {}
        op.create_index(f'ix_violations_{name}', 'violations', [*lead, 'captured_at', 'id'], **condition)
    op.create_index('ix_violations_created_at_id', 'violations', ['created_at', 'id'])

    op.drop_index('ix_plate_events_captured_at', table_name='plate_events')
    op.drop_index('ix_plate_events_plate', table_name='plate_events')
    op.create_index('ix_plate_events_captured_at_id', 'plate_events', ['captured_at', 'id'])
    op.create_index('ix_plate_events_plate_captured_at', 'plate_events', ['plate', 'captured_at', 'id'])

    op.create_table(
        'daily_passes',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('gate_id', sa.Integer(), sa.ForeignKey('gates.id'), nullable=False),
        sa.Column('decision', sa.String(length=6), nullable=False),
        sa.Column('firm_id', sa.Integer(), sa.ForeignKey('firms.id'), nullable=False),
        sa.Column('passes', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'gate_id', 'decision'),
    )
    op.create_index('ix_daily_passes_firm_day', 'daily_passes', ['firm_id', 'day'])
    op.create_table(
        'daily_violations',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('gate_id', sa.Integer(), sa.ForeignKey('gates.id'), nullable=False),
        sa.Column('rule', sa.String(length=32), nullable=False),
        sa.Column('alert_level', sa.String(length=10), nullable=False),
        sa.Column('firm_id', sa.Integer(), sa.ForeignKey('firms.id'), nullable=False),
        sa.Column('violations', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'gate_id', 'rule', 'alert_level'),
    )
    op.create_index('ix_daily_violations_firm_day', 'daily_violations', ['firm_id', 'day'])
    day = LOCAL_DAY[dialect].format(col='pe.captured_at')
    op.execute(
        f"INSERT INTO daily_passes (day, gate_id, decision, firm_id, passes) "
        f"SELECT {day}, pe.gate_id, vd.decision, g.firm_id, count(*) "
        f"FROM plate_events pe JOIN verdicts vd ON vd.plate_event_id = pe.id JOIN gates g ON g.id = pe.gate_id "
        f"GROUP BY {day}, pe.gate_id, vd.decision, g.firm_id"
    )
    day = LOCAL_DAY[dialect].format(col='captured_at')
    op.execute(
        f"INSERT INTO daily_violations (day, gate_id, rule, alert_level, firm_id, violations) "
        f"SELECT {day}, gate_id, rule, coalesce(alert_level, ''), min(firm_id), count(*) FROM violations "
        f"GROUP BY {day}, gate_id, rule, coalesce(alert_level, '')"
    )


def downgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.drop_table('daily_violations')
    op.drop_table('daily_passes')
    op.drop_index('ix_plate_events_plate_captured_at', table_name='plate_events')
    op.drop_index('ix_plate_events_captured_at_id', table_name='plate_events')
    op.create_index('ix_plate_events_plate', 'plate_events', ['plate'])
    op.create_index('ix_plate_events_captured_at', 'plate_events', ['captured_at'])
    op.drop_index('ix_violations_created_at_id', table_name='violations')
    for name, _lead, _where in VIOLATION_INDEXES:
        op.drop_index(f'ix_violations_{name}', table_name='violations')
    op.create_index('ix_violations_status', 'violations', ['status'])
    op.create_index('ix_violations_rule', 'violations', ['rule'])
    if not postgres:
        sqlite_guards.dropped()
    with op.batch_alter_table('violations') as batch:
        batch.drop_constraint('fk_violations_firm_id_firms', type_='foreignkey')
        batch.drop_constraint('fk_violations_gate_id_gates', type_='foreignkey')
        for column in ('alert_level', *COPIED):
            batch.drop_column(column)
    if not postgres:
        sqlite_guards.restored()
    # the ids stay 64-bit: narrowing them back could fail on a table that used the room

