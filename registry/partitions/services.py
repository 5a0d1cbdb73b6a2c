"""Creating months ahead, listing them, and retiring a month: its rows dropped with the partition, the
evidence of its confirmed violations kept.

Layout (migration 0015): plate_events is partitioned by RANGE of captured_at, and the tables hanging
off a pass (verdicts, plate_reads, pass_images by pass_at, the pass's time; violations by captured_at,
the same) by the same months, each with a DEFAULT partition that catches a pass no month holds (so
nothing is refused). A child month references its parent month by a foreign key of its own
(plate_event_id, time) -> (id, captured_at): a month is dropped children first, and no check ever
scans another month. Unique keys carry the month: (gate, event id) is unique within a month by its
index, and across months because ingest looks a read up before storing it while it holds the gate's
row lock (every writer of a gate waits for it: registry.events.ingest.lock_gates)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from registry.common.time import today_local
from registry.extensions import db
from registry.partitions.months import add_months, bounds, month_of_partition, months_between, partition_name

log = logging.getLogger(__name__)

PARENT = ("plate_events", "captured_at")
CHILDREN = (
    ("verdicts", "pass_at"),
    ("plate_reads", "pass_at"),
    ("pass_images", "pass_at"),
    ("violations", "captured_at"),
    ("cases", "captured_at"),
)
TABLES = (PARENT, *CHILDREN)


def is_partitioned() -> bool:
    """Whether this database keeps passes by month (PostgreSQL after migration 0015)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    found = db.session.execute(
        text("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = :t"),
        {"t": PARENT[0]},
    )
    return found.first() is not None


def months() -> list[date]:
    """The months that have partitions, oldest first."""
    rows = db.session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :t"
        ),
        {"t": PARENT[0]},
    )
    return sorted({m for (name,) in rows if (m := month_of_partition(PARENT[0], name))})


def month_statements(month: date, existing_constraints: set[str]) -> list[str]:
    """DDL that makes one month's partitions and their references, for what does not exist yet."""
    start, end = (moment.isoformat() for moment in bounds(month))
    statements = [
        f"CREATE TABLE IF NOT EXISTS {partition_name(table, month)} PARTITION OF {table} "
        f"FOR VALUES FROM ('{start}') TO ('{end}')"
        for table, _ in TABLES
    ]
    parent = partition_name(PARENT[0], month)
    for table, key in CHILDREN:
        child = partition_name(table, month)
        name = f"fk_{child}_pass"
        if name not in existing_constraints:
            statements.append(
                f"ALTER TABLE {child} ADD CONSTRAINT {name} FOREIGN KEY (plate_event_id, {key}) "
                f"REFERENCES {parent} (id, captured_at)"
            )
    return statements


@dataclass
class Ensured:
    created: list[date] = field(default_factory=list)
    skipped: list[tuple[date, str]] = field(default_factory=list)  # a month the default partition holds


def ensure(first: date, last: date) -> Ensured:
    """Partitions for every month first..last that lacks them; flushes, never commits. A month some
    pass in a DEFAULT partition belongs to cannot be made (PostgreSQL refuses): it is reported and the
    passes stay where they are, found by every query as before."""
    result = Ensured()
    if not is_partitioned():
        return result
    have = set(months())
    constraints = set(db.session.scalars(text("SELECT conname FROM pg_constraint WHERE conname LIKE 'fk\\_%\\_pass'")))
    for month in months_between(first, last):
        statements = month_statements(month, constraints)
        if month in have and len(statements) == len(TABLES):  # only the IF NOT EXISTS creates
            continue
        try:
            with db.session.begin_nested():
                for statement in statements:
                    db.session.execute(text(statement))
            result.created.append(month)
        except DBAPIError as exc:
            reason = str(getattr(exc, "orig", exc)).splitlines()[0]
            log.warning("month %s not partitioned: %s", month, reason)
            result.skipped.append((month, reason))
    return result


def ensure_around(today: date, behind: int, ahead: int) -> Ensured:
    """The months from `behind` before today's to `ahead` after it (a camera's backlog of last month,
    the months to come), for the gateway's start and the daily job."""
    month = today.replace(day=1)
    return ensure(add_months(month, -behind), add_months(month, ahead))


RETIRED = "retired: only the evidence of confirmed violations is kept"


def _retired(partition: str) -> bool:
    found = db.session.scalar(text("SELECT obj_description(CAST(:t AS regclass), 'pg_class')"), {"t": partition})
    return found == RETIRED


def analyze_parents() -> None:
    """ANALYZE the partitioned tables themselves: autovacuum analyzes each month but never a
    partitioned parent, whose statistics the planner uses for joins and for queries over all months."""
    db.session.execute(text("ANALYZE " + ", ".join(table for table, _ in TABLES)))


def ensure_configured() -> Ensured:
    """ensure_around today with PARTITION_MONTHS_BEHIND and _AHEAD."""
    config = current_app.config
    return ensure_around(today_local(), config["PARTITION_MONTHS_BEHIND"], config["PARTITION_MONTHS_AHEAD"])


@dataclass
class Retired:
    month: date
    passes: int  # passes the month held
    kept: int  # passes kept as evidence of a confirmed violation
    files: list[str] = field(default_factory=list)  # picture contents no kept row of the month uses


KEPT = (
    "CREATE TEMP TABLE kept_passes ON COMMIT DROP AS "
    "SELECT DISTINCT plate_event_id AS id FROM {violations} WHERE status = 'confirmed'"
)


def retire(month: date, dry_run: bool = False) -> Retired:
    """Drop a month's rows, keeping its passes with a confirmed violation and everything hanging off
    them: those rows are copied to new tables, the month's partitions are detached and dropped
    (children first), and the copies are attached as the month. Flushes, never commits: the caller
    commits the whole month at once. In seconds at any volume: what is copied is the evidence only."""
    violations = partition_name("violations", month)
    parent = partition_name(PARENT[0], month)
    if _retired(parent):  # what is left is evidence and late arrivals: few rows, counted
        passes = db.session.scalar(text(f"SELECT count(*) FROM {parent}"))
    else:  # the daily counts know, without reading the month
        first, following = (moment.date() for moment in bounds(month))
        passes = db.session.scalar(
            text("SELECT coalesce(sum(passes), 0) FROM daily_passes WHERE day >= :first AND day < :following"),
            {"first": first, "following": following},
        )
    if dry_run:
        kept = db.session.scalar(
            text(f"SELECT count(DISTINCT plate_event_id) FROM {violations} WHERE status = 'confirmed'")
        )
        return Retired(month, int(passes), int(kept))
    db.session.execute(text("SET LOCAL lock_timeout = '10s'"))
    db.session.execute(text("DROP TABLE IF EXISTS kept_passes"))
    db.session.execute(text(KEPT.format(violations=violations)))
    kept = db.session.scalar(text("SELECT count(*) FROM kept_passes"))
    images = partition_name("pass_images", month)
    files = db.session.scalars(
        text(
            f"SELECT DISTINCT sha256 FROM {images} WHERE sha256 IS NOT NULL AND purged_at IS NULL "
            "AND plate_event_id NOT IN (SELECT id FROM kept_passes)"
        )
    ).all()
    for table, _ in TABLES:
        part = partition_name(table, month)
        key = "id" if table == PARENT[0] else "plate_event_id"
        db.session.execute(text(f"CREATE TABLE {part}_kept (LIKE {part} INCLUDING ALL)"))
        db.session.execute(
            text(f"INSERT INTO {part}_kept SELECT * FROM {part} WHERE {key} IN (SELECT id FROM kept_passes)")
        )
    for table, _ in reversed(TABLES):  # children before the passes they reference
        part = partition_name(table, month)
        db.session.execute(text(f"ALTER TABLE {table} DETACH PARTITION {part}"))
        db.session.execute(text(f"DROP TABLE {part}"))
    for table, _ in TABLES:
        part = partition_name(table, month)
        db.session.execute(text(f"ALTER TABLE {part}_kept RENAME TO {part}"))
    start, end = (moment.isoformat() for moment in bounds(month))
    for table, _ in TABLES:
        db.session.execute(
            text(
                f"ALTER TABLE {table} ATTACH PARTITION {partition_name(table, month)} "
                f"FOR VALUES FROM ('{start}') TO ('{end}')"
            )
        )
    for statement in month_statements(month, set())[len(TABLES) :]:
        db.session.execute(text(statement))
    db.session.execute(text(f"COMMENT ON TABLE {parent} IS '{RETIRED}'"))
    return Retired(month, int(passes), int(kept), list(files))
