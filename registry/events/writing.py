"""Writing a batch's rows cheaply: child rows by executemany, and on PostgreSQL ids taken first."""

from collections import defaultdict

from sqlalchemy import insert, text

from registry.events.models import PlateEvent, Verdict
from registry.extensions import db


class ChildRows:
    """Rows that only hang off a pass (reads, violations, pictures): written after the passes with
    one executemany per table, which is much cheaper than an ORM object per row."""

    def __init__(self):
        self.rows: dict[type, list[tuple[PlateEvent, dict]]] = defaultdict(list)

    def add(self, model: type, plate_event: PlateEvent, values: dict) -> None:
        self.rows[model].append((plate_event, values))

    def drop(self, model: type, plate_event: PlateEvent) -> None:
        self.rows[model] = [(pe, v) for pe, v in self.rows[model] if pe is not plate_event]

    def write(self) -> None:
        for model, rows in self.rows.items():
            if rows:
                db.session.execute(insert(model), [values | {"plate_event_id": pe.id} for pe, values in rows])


def take_ids_from_sequences() -> None:
    """On PostgreSQL, give new passes and verdicts their ids first (one query for both tables), so the
    ORM can write them with a pipelined executemany of one short statement instead of INSERT ...
    RETURNING statements of hundreds of rows, which psycopg would parse anew each time."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    passes = [r for r in db.session.new if isinstance(r, PlateEvent) and r.id is None]
    verdicts = [r for r in db.session.new if isinstance(r, Verdict) and r.id is None]
    count = max(len(passes), len(verdicts))
    if not count:
        return
    rows = db.session.execute(
        text(
            "SELECT nextval(pg_get_serial_sequence('plate_events', 'id')),"
            " nextval(pg_get_serial_sequence('verdicts', 'id')) FROM generate_series(1, :count)"
        ),
        {"count": count},
    ).all()
    for row, (pass_id, _) in zip(passes, rows, strict=False):
        row.id = pass_id
    for row, (_, verdict_id) in zip(verdicts, rows, strict=False):
        row.id = verdict_id
