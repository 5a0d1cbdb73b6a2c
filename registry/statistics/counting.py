"""Keeping the daily counts in step with a batch of passes, in the batch's own transaction.

A batch adds one to its new passes' days and takes back what it changes: a stored pass re-judged by a
better read leaves its old decision's count and its old open violations' counts, and enters the new
(registry.ingest.records says which). The rows are upserted in key order, so that two batches touching
the same days never deadlock."""

from collections import Counter

from registry.common.time import local_date


class DailyCounts:
    """What one batch changes in daily_passes and daily_violations: counts added and taken back, by
    (local day, gate, ...). Pure: PostgreSQL's writer sends `statements()` in the batch's pipeline, SQLite's
    `registry.statistics.upserts.write_counts`."""

    def __init__(self):
        self.passes: Counter = Counter()
        self.violations: Counter = Counter()

    def pass_counted(self, captured_at, gate_id: int, decision: str, firm_id: int, delta: int = 1) -> None:
        """A pass counted under its decision (delta 1), or taken back from its old one (-1)."""
        self.passes[(local_date(captured_at), gate_id, getattr(decision, "value", decision), firm_id)] += delta

    def violation_counted(
        self, captured_at, gate_id: int, firm_id: int, rule: str, alert_level, delta: int = 1
    ) -> None:
        """A violation raised (delta 1), or an open one taken back by its pass's new verdict (-1)."""
        self.violations[_violation_key(captured_at, gate_id, firm_id, rule, alert_level)] += delta

    def statements(self) -> list[tuple[str, list[tuple]]]:
        """The upserts as SQL for the driver (PostgreSQL), to go in the batch's own pipeline."""
        found = []
        for table, counts in (("daily_passes", self.passes), ("daily_violations", self.violations)):
            rows = [(*key, n) for key, n in sorted(counts.items()) if n]
            if rows:
                found.append((UPSERT[table], rows))
        return found


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


def _violation_key(captured_at, gate_id, firm_id, rule, alert_level) -> tuple:
    return (local_date(captured_at), gate_id, rule, alert_level or "", firm_id)
