"""Writing a batch's rows cheaply, without the ORM unit of work.

Passes created by a batch are plain records (NewPass with its NewVerdict: the columns of PlateEvent
and Verdict, which the rules and the answer read like any pass). They are written as rows, with the
child rows hanging off every pass: by COPY on PostgreSQL, by one executemany per table elsewhere.
Passes already stored (a read merged into one) stay in the session and are updated by the ORM.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Column, Table, insert, text

from registry.common.time import utcnow
from registry.events.models import Decision, Direction, PlateEvent, Verdict
from registry.extensions import db
from registry.identifiers.plates import PlateColour


@dataclass(slots=True, eq=False)
class NewVerdict:
    """The columns of Verdict for a pass created by this batch."""

    decision: Decision | None = None
    findings: list = field(default_factory=list)
    policy_ids: list = field(default_factory=list)
    stage_inferred: bool = False
    emission_stage: str | None = None
    alert_id: int | None = None
    evaluated_at: datetime = field(default_factory=utcnow)


@dataclass(slots=True, eq=False)
class NewPass:
    """The columns of PlateEvent for a pass created by this batch, until NewPasses writes it."""

    gate_id: int
    event_id: str
    plate_raw: str
    plate: str
    plate_color: PlateColour | None
    direction: Direction
    captured_at: datetime
    confidence: float | None
    lane: str | None = None
    vehicle_type: str | None = None
    received_at: datetime = field(default_factory=utcnow)
    read_count: int = 0
    vehicle_id: int | None = None
    measured_colour: str | None = None
    colour_disagrees: bool = False
    id: int | None = None
    verdict: NewVerdict = field(default_factory=NewVerdict)


class ChildRows:
    """Rows that only hang off a pass (reads, violations, pictures), written after the passes."""

    def __init__(self):
        # model -> id(pass) -> (pass, rows)
        self.rows: defaultdict[type, dict[int, tuple[object, list[dict]]]] = defaultdict(dict)

    def add(self, model: type, plate_event, values: dict) -> None:
        self.rows[model].setdefault(id(plate_event), (plate_event, []))[1].append(values)

    def drop(self, model: type, plate_event) -> None:
        self.rows[model].pop(id(plate_event), None)

    def write(self) -> None:
        for model, by_pass in self.rows.items():
            rows = [values | {"plate_event_id": pe.id} for pe, many in by_pass.values() for values in many]
            insert_rows(model.__table__, rows)


class NewPasses:
    """Passes created by this batch, written with their verdicts in two statements (three on PostgreSQL)."""

    def __init__(self):
        self.passes: list[NewPass] = []

    def add(self, new_pass: NewPass) -> None:
        self.passes.append(new_pass)

    def write(self) -> None:
        """Give the passes their ids, then write them and their verdicts."""
        if not self.passes:
            return
        table = PlateEvent.__table__
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            # One query for all ids, so the passes go by COPY rather than INSERT ... RETURNING.
            ids = connection.execute(
                text("SELECT nextval(pg_get_serial_sequence('plate_events', 'id')) FROM generate_series(1, :n)"),
                {"n": len(self.passes)},
            ).scalars()
            for new_pass, pass_id in zip(self.passes, ids, strict=True):
                new_pass.id = pass_id
            insert_rows(table, [row_of(table, p) for p in self.passes])
        else:
            rows = [row_of(table, p, with_key=False) for p in self.passes]
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            for new_pass, pass_id in zip(self.passes, connection.execute(statement, rows).scalars(), strict=True):
                new_pass.id = pass_id
        verdicts = Verdict.__table__
        rows = [row_of(verdicts, p.verdict, with_key=False) | {"plate_event_id": p.id} for p in self.passes]
        insert_rows(verdicts, rows)


def row_of(table: Table, record, with_key: bool = True) -> dict:
    """A record's values for the table's columns (plate_event_id is added by the caller)."""
    return {
        column.key: getattr(record, column.key)
        for column in table.columns
        if not (column.primary_key and not with_key) and column.key != "plate_event_id"
    }


def insert_rows(table: Table, rows: list[dict]) -> None:
    """Insert rows: COPY on PostgreSQL, one executemany elsewhere. A column some rows lack takes its
    Python default (evaluated per row) or NULL; server defaults of columns no row names apply as usual."""
    if not rows:
        return
    keys = list(dict.fromkeys(key for row in rows for key in row))
    keys += [c.key for c in table.columns if c.default is not None and not c.primary_key and c.key not in keys]
    fill = {key: _default_of(table.c[key]) for key in keys}
    rows = [row if len(row) == len(keys) else {k: row[k] if k in row else fill[k]() for k in keys} for row in rows]
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = [table.c[key] for key in keys]
    # The same conversions an INSERT would apply (enums to text, aware times to UTC, JSON documents).
    dialect = connection.dialect
    converters = [(key, c.type._cached_bind_processor(dialect)) for key, c in zip(keys, columns, strict=True)]
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([process(row[key]) if process else row[key] for key, process in converters])


def _default_of(column: Column):
    """A function giving the column's Python default (a fresh value for a callable one), or None."""
    default = column.default
    if default is None:
        return lambda: None
    if default.is_callable:
        return lambda: default.arg(None)  # SQLAlchemy wraps a no-argument callable to take a context
    return lambda: default.arg
