"""Keeping the daily counts in step with a batch of passes, in the batch's own transaction.

A batch adds one to its new passes' days and takes back what it changes: a stored pass re-judged by a
better read leaves its old decision's count and its old open violations' counts, and enters the new.
The rows are upserted in key order, so that two batches touching the same days never deadlock."""

from collections import Counter

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from registry.common.time import local_date
from registry.statistics.models import DailyPasses, DailyViolations


class DailyCounts:
    """What one batch changes in daily_passes and daily_violations."""

    def __init__(self):
        self.passes: Counter = Counter()
        self.violations: Counter = Counter()
        self._judged: dict[int, tuple] = {}  # stored pass id -> (pass, firm id): counted at the end

    def rejudging(self, plate_event, firm_id: int) -> None:
        """A stored pass is about to be judged again: its count leaves its old decision (once)."""
        if plate_event.id in self._judged:
            return
        self._judged[plate_event.id] = (plate_event, firm_id)
        self.passes[_pass_key(plate_event, firm_id)] -= 1

    def violations_removed(self, rows) -> None:
        """Stored violations deleted (rows of captured_at, gate_id, firm_id, rule, alert_level)."""
        for row in rows:
            self.violations[_violation_key(*row)] -= 1

    def count(self, new_passes, violation_rows, firm_of_gate: dict[int, int]) -> None:
        """Add the batch's final state: its new passes, the re-judged ones, the violations to insert."""
        for new_pass in new_passes:
            self.passes[_pass_key(new_pass, firm_of_gate[new_pass.gate_id])] += 1
        for plate_event, firm_id in self._judged.values():
            self.passes[_pass_key(plate_event, firm_id)] += 1
        for row in violation_rows:
            key = (row["captured_at"], row["gate_id"], row["firm_id"], row["rule"], row["alert_level"])
            self.violations[_violation_key(*key)] += 1

    def statements(self) -> list[tuple[str, list[tuple]]]:
        """The upserts as SQL for the driver (PostgreSQL), to go in the batch's own pipeline."""
        found = []
        for table, counts in (("daily_passes", self.passes), ("daily_violations", self.violations)):
            rows = [(*key, n) for key, n in sorted(counts.items()) if n]
            if rows:
                found.append((UPSERT[table], rows))
        return found

    def write(self, connection: Connection) -> None:
        _upsert(connection, DailyPasses, ("day", "gate_id", "decision", "firm_id"), "passes", self.passes)
        _upsert(
            connection,
            DailyViolations,
            ("day", "gate_id", "rule", "alert_level", "firm_id"),
            "violations",
            self.violations,
        )


UPSERT = {
    "daily_passes": (
        "INSERT INTO daily_passes (day, gate_id, decision, firm_id, passes) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (day, gate_id, decision) DO UPDATE SET passes = daily_passes.passes + excluded.passes, "
        "firm_id = excluded.firm_id"
    ),
    "daily_violations": (
        "INSERT INTO daily_violations (day, gate_id, rule, alert_level, firm_id, violations) "
        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (day, gate_id, rule, alert_level) "
        "DO UPDATE SET violations = daily_violations.violations + excluded.violations, firm_id = excluded.firm_id"
    ),
}


def _pass_key(plate_event, firm_id: int) -> tuple:
    decision = plate_event.verdict.decision
    return (local_date(plate_event.captured_at), plate_event.gate_id, getattr(decision, "value", decision), firm_id)


def _violation_key(captured_at, gate_id, firm_id, rule, alert_level) -> tuple:
    return (local_date(captured_at), gate_id, rule, alert_level or "", firm_id)


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
