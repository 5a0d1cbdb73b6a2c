"""Stage 6, write: a batch's rows into the database without the ORM.

On PostgreSQL the new passes take their ids from the sequence in one query, then everything goes in one
pipeline of statements (one round trip), the inserts by COPY instead when the batch is large (COPY costs
two round trips per table and little per row: measured over four tables, 10 rows 1.7 ms by pipeline against
2.3 ms by COPY, 40 rows 4.4 against 3.9 ms, 300 rows 25.6 against 16.6). Elsewhere (SQLite) the passes
are inserted returning their ids, and each table gets one executemany. Values reach the driver as they
are (codes as text, aware UTC times, JSON as text): the records stage made them so.

Order: the policy sets the verdicts name; a re-judged pass's open violations and open case taken back;
the new rows; the stored passes and verdicts that changed; the daily counts; each gate's last pass."""

from __future__ import annotations

from collections import deque
from functools import cache
from itertools import chain

import msgspec
from sqlalchemy import Connection, Table, and_, bindparam, delete, insert, text, update
from sqlalchemy.exc import DBAPIError

from registry.cases.models import Case
from registry.events.models import PassImage, PlateEvent, PlateRead, Verdict, Violation
from registry.extensions import db
from registry.gates.models import Gate
from registry.ingest.passes import READ_FIELDS, PassRow
from registry.ingest.records import Rows
from registry.policies.sets import ENSURE_SQL, ensure_rows, to_ensure
from registry.statistics.upserts import write_counts
from registry.uplink.models import UplinkRecord

COPY_FROM_ROWS = 40
TABLES: dict[str, Table] = {
    model.__table__.name: model.__table__
    for model in (PlateEvent, Verdict, PlateRead, PassImage, Violation, Case, UplinkRecord)
}
PASS_KEYS = ("plate_event_id", "pass_at")
_NEXT_PASS_IDS = text("SELECT nextval(pg_get_serial_sequence('plate_events', 'id')) FROM generate_series(1, :n)")
ID_BLOCK = 500  # pass ids taken from the sequence at a time by a writer: one round trip per block, not per batch
_ids: dict[str, deque[int]] = {}  # by database: ids this process took and has not given yet
CHANGED = (*READ_FIELDS, "vehicle_id", "measured_colour", "colour_disagrees")
VERDICT_COLUMNS = (
    "decision",
    "findings",
    "policy_set_id",
    "stage_inferred",
    "emission_stage",
    "alert_id",
    "evaluated_at",
)

PG = {
    "read_count": "UPDATE plate_events SET read_count = %s WHERE id = %s AND captured_at = %s",
    "pass": (
        f"UPDATE plate_events SET {', '.join(f'{c} = %s' for c in CHANGED)}, read_count = %s "
        "WHERE id = %s AND captured_at = %s"
    ),
    "verdict": (
        f"UPDATE verdicts SET {', '.join(f'{c} = %s' for c in VERDICT_COLUMNS)} "
        "WHERE plate_event_id = %s AND pass_at = %s"
    ),
    "withdraw_violations": (
        "DELETE FROM violations WHERE plate_event_id = %s AND captured_at = %s AND status = 'open'"
    ),
    "withdraw_case": "DELETE FROM cases WHERE plate_event_id = %s AND captured_at = %s AND status = 'open'",
    "last_pass": "UPDATE gates SET last_pass_at = %s, last_camera_time = %s WHERE id = %s",
}


def write(rows: Rows) -> None:
    """Write what the records stage built, in the caller's transaction."""
    connection = db.session.connection()
    sets = to_ensure(db.session, [p.verdict.policy_set_id for p in (*rows.new_passes, *rows.rejudged)])
    if connection.dialect.name == "postgresql":
        _write_postgresql(connection, rows, sets)
    else:
        _write_sqlite(connection, rows, sets)


def table_rows(rows: Rows, with_passes: bool) -> list[tuple[Table, list[dict]]]:
    """Per table, the rows to insert with their pass's keys (the passes have their ids by now)."""
    tables = []
    if with_passes:
        tables.append((TABLES["plate_events"], [_pass_row(p) for p in rows.new_passes]))
    tables.append((TABLES["verdicts"], [_verdict_row(p) for p in rows.new_passes]))
    for name, many in rows.children.items():
        table = TABLES[name]
        timed = "pass_at" in table.c
        tables.append(
            (
                table,
                [
                    row | ({"plate_event_id": p.id, "pass_at": p.captured_at} if timed else {"plate_event_id": p.id})
                    for p, row in many
                ],
            )
        )
    return [(table, many) for table, many in tables if many]


def _pass_row(plate_event: PassRow) -> dict:
    return {c.key: getattr(plate_event, c.key) for c in TABLES["plate_events"].columns}


def _verdict_row(plate_event: PassRow) -> dict:
    verdict = plate_event.verdict
    values = {name: getattr(verdict, name) for name in VERDICT_COLUMNS}
    values["findings"] = verdict.findings or None  # no findings (most passes) is NULL
    return values | {"plate_event_id": plate_event.id, "pass_at": plate_event.captured_at}


def _write_sqlite(connection: Connection, rows: Rows, sets: list) -> None:
    if sets:
        ensure_rows(connection, sets)
    if rows.rejudged:
        keys = [{"pass_id": p.id} for p in rows.rejudged]
        for table in (TABLES["violations"], TABLES["cases"]):
            statement = delete(table).where(table.c.plate_event_id == bindparam("pass_id"), table.c.status == "open")
            connection.execute(statement, keys)
    if rows.new_passes:
        passes = TABLES["plate_events"]
        values = [{k: v for k, v in _pass_row(p).items() if k != "id"} for p in rows.new_passes]
        statement = insert(passes).returning(passes.c.id, sort_by_parameter_order=True)
        for plate_event, pass_id in zip(rows.new_passes, connection.execute(statement, values).scalars(), strict=True):
            plate_event.id = pass_id
    insert_rows(connection, table_rows(rows, with_passes=False))
    passes, verdicts = TABLES["plate_events"], TABLES["verdicts"]
    judged = {id(p) for p in rows.rejudged}
    plain = [{"key": p.id, "read_count": p.read_count} for p in rows.changed_passes if id(p) not in judged]
    if plain:
        connection.execute(
            update(passes).where(passes.c.id == bindparam("key")).values(read_count=bindparam("read_count")), plain
        )
    if rows.rejudged:
        changed = [{f"n_{c}": getattr(p, c) for c in (*CHANGED, "read_count")} | {"key": p.id} for p in rows.rejudged]
        statement = update(passes).where(passes.c.id == bindparam("key"))
        connection.execute(statement.values({c: bindparam(f"n_{c}") for c in (*CHANGED, "read_count")}), changed)
        values = [{f"n_{c}": v for c, v in _verdict_row(p).items()} for p in rows.rejudged]
        statement = (
            update(verdicts)
            .where(and_(verdicts.c.plate_event_id == bindparam("n_plate_event_id")))
            .values({c: bindparam(f"n_{c}") for c in VERDICT_COLUMNS})
        )
        connection.execute(statement, values)
    write_counts(connection, rows.daily)
    if rows.last_passes:
        gates = Gate.__table__
        connection.execute(
            update(gates)
            .where(gates.c.id == bindparam("gate"))
            .values(last_pass_at=bindparam("at"), last_camera_time=bindparam("camera_time")),
            [{"at": at, "camera_time": camera_time, "gate": gate} for at, camera_time, gate in rows.last_passes],
        )


def pass_ids(connection: Connection, count: int) -> list[int]:
    """`count` ids for new passes, from the ones this process took from the sequence ahead (a batch that
    rolls back leaves a gap, as a sequence does anyway)."""
    taken = _ids.setdefault(connection.engine.url.render_as_string(hide_password=True), deque())
    if len(taken) < count:
        taken.extend(connection.execute(_NEXT_PASS_IDS, {"n": count - len(taken) + ID_BLOCK}).scalars())
    return [taken.popleft() for _ in range(count)]


def _write_postgresql(connection: Connection, rows: Rows, sets: list) -> None:
    if rows.new_passes:
        for plate_event, pass_id in zip(rows.new_passes, pass_ids(connection, len(rows.new_passes)), strict=True):
            plate_event.id = pass_id
    first = [(ENSURE_SQL, sets)] if sets else []
    if rows.rejudged:
        keys = [(p.id, p.captured_at) for p in rows.rejudged]
        first += [(PG["withdraw_violations"], keys), (PG["withdraw_case"], keys)]
    judged = {id(p) for p in rows.rejudged}
    then = []
    plain = [(p.read_count, p.id, p.captured_at) for p in rows.changed_passes if id(p) not in judged]
    if plain:
        then.append((PG["read_count"], plain))
    if rows.rejudged:
        then.append(
            (
                PG["pass"],
                [(*(getattr(p, c) for c in CHANGED), p.read_count, p.id, p.captured_at) for p in rows.rejudged],
            )
        )
        then.append((PG["verdict"], [_verdict_values(p) for p in rows.rejudged]))
    then += rows.daily.statements()
    if rows.last_passes:
        then.append((PG["last_pass"], rows.last_passes))
    insert_tables(connection, table_rows(rows, with_passes=True), then, first)


def _verdict_values(plate_event: PassRow) -> tuple:
    row = _verdict_row(plate_event)
    return (
        *(_json(row[c]) if c == "findings" else row[c] for c in VERDICT_COLUMNS),
        plate_event.id,
        plate_event.captured_at,
    )


def insert_rows(connection: Connection, tables: list[tuple[Table, list[dict]]]) -> None:
    """Insert rows into tables in order, on either engine (rows lacking a column get its Python default)."""
    if connection.dialect.name == "postgresql":
        insert_tables(connection, tables)
        return
    for table, many in tables:
        if many:
            connection.execute(insert(table), _complete(table, many))


def insert_tables(
    connection: Connection,
    tables: list[tuple[Table, list[dict]]],
    then: list[tuple[str, list[tuple]]] = (),
    first: list[tuple[str, list[tuple]]] = (),
) -> None:
    """Insert rows into tables in order (PostgreSQL): by COPY, table by table, when the batch is large,
    else as INSERTs in one pipeline with `first` before and `then` after them (statements in the
    driver's own terms). A column some rows lack takes its Python default (evaluated per row) or NULL."""
    tables = [(table, _complete(table, many)) for table, many in tables if many]
    driver, dialect = connection.connection.driver_connection, connection.dialect
    statement = None
    try:
        if sum(len(many) for _, many in tables) >= COPY_FROM_ROWS:
            with driver.pipeline():
                cursor = driver.cursor()
                for statement, values in first:
                    cursor.executemany(statement, values)
            for table, many in tables:
                columns, values = _driver_values(dialect, table, many)
                statement = f"COPY {_quote(dialect, table.name)} ({columns}) FROM STDIN"
                with driver.cursor().copy(statement) as copy:
                    for row in values:
                        copy.write_row(row)
            with driver.pipeline():
                cursor = driver.cursor()
                for statement, values in then:
                    cursor.executemany(statement, values)
            return
        with driver.pipeline():
            cursor = driver.cursor()
            for statement, values in chain(first, _inserts(dialect, tables), then):
                cursor.executemany(statement, values)
    except dialect.loaded_dbapi.Error as exc:
        # Raise what SQLAlchemy raises for the same failure (IntegrityError for a read another gateway
        # stored first, OperationalError when the database is gone), so that callers handle it alike.
        gone = dialect.is_disconnect(exc, driver, None)
        if gone:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            statement, None, exc, dialect.loaded_dbapi.Error, connection_invalidated=gone, dialect=dialect
        ) from exc


def _inserts(dialect, tables: list[tuple[Table, list[dict]]]):
    for table, many in tables:
        columns, values = _driver_values(dialect, table, many)
        marks = ", ".join(["%s"] * len(many[0]))
        yield f"INSERT INTO {_quote(dialect, table.name)} ({columns}) VALUES ({marks})", values


def _complete(table: Table, rows: list[dict]) -> list[dict]:
    """Rows with the same keys: those any row names and every column with a Python default."""
    first = rows[0].keys()
    defaulted = _defaulted(table)
    if defaulted <= first and all(row.keys() == first for row in rows):
        return rows  # the records stage makes most tables' rows alike: nothing to fill
    keys = list(dict.fromkeys(chain.from_iterable(rows)))
    keys += [c.key for c in table.columns if c.default is not None and not c.primary_key and c.key not in keys]
    fill = {key: _default_of(table.c[key]) for key in keys}
    return [row if len(row) == len(keys) else {k: row[k] if k in row else fill[k]() for k in keys} for row in rows]


def _driver_values(dialect, table: Table, rows: list[dict]) -> tuple[str, list[tuple]]:
    """The column list and the rows as tuples for the driver: values as they are, JSON documents as text
    (a document several rows share, such as the context of a pass's violations, written once)."""
    keys = list(rows[0])
    documents = {key for key in keys if _is_json(table.c[key])}
    columns = ", ".join(_quote(dialect, table.c[key].name) for key in keys)
    if not documents:
        return columns, [tuple(row[key] for key in keys) for row in rows]
    written: dict[int, str | None] = {}

    def text_of(value):
        key = id(value)
        if key not in written:
            written[key] = _json(value)
        return written[key]

    return columns, [tuple(text_of(row[key]) if key in documents else row[key] for key in keys) for row in rows]


@cache
def _defaulted(table: Table) -> frozenset[str]:
    """The columns with a Python default (rows lacking them get it)."""
    return frozenset(c.key for c in table.columns if c.default is not None and not c.primary_key)


def _is_json(column) -> bool:
    return column.type._type_affinity.__name__ == "JSON"


_ENCODE = msgspec.json.Encoder().encode


def _json(value) -> str | None:
    return None if value is None else _ENCODE(value).decode()


def _quote(dialect, name: str) -> str:
    return dialect.identifier_preparer.quote(name)


def _default_of(column):
    """A function giving the column's Python default (a fresh value for a callable one), or None."""
    default = column.default
    if default is None:
        return lambda: None
    if default.is_callable:
        return lambda: default.arg(None)  # SQLAlchemy wraps a no-argument callable to take a context
    return lambda: default.arg
