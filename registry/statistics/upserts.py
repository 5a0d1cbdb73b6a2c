"""The daily counts a batch changed, upserted through SQLAlchemy (SQLite; PostgreSQL sends the same upserts
in the batch's own pipeline, registry.statistics.counting.UPSERT)."""

from collections import Counter

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from registry.statistics.counting import DailyCounts
from registry.statistics.models import DailyPasses, DailyViolations


def write_counts(connection: Connection, counts: DailyCounts) -> None:
    """Add the batch's counts to the days' rows, in key order (two batches never deadlock)."""
    _upsert(connection, DailyPasses, ("day", "gate_id", "decision", "firm_id"), "passes", counts.passes)
    keys = ("day", "gate_id", "rule", "alert_level", "firm_id")
    _upsert(connection, DailyViolations, keys, "violations", counts.violations)


def _upsert(connection: Connection, model, keys: tuple[str, ...], measure: str, counts: Counter) -> None:
    rows = [dict(zip(keys, key, strict=True)) | {measure: n} for key, n in sorted(counts.items()) if n]
    if not rows:
        return
    table = model.__table__
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={measure: table.c[measure] + statement.excluded[measure], "firm_id": statement.excluded.firm_id},
    )
    connection.execute(statement, rows)
