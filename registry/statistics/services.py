"""Counting the daily tables again from the passes, for a range of days: after a bulk import, or to
check that nothing went around ingest (`flask statistics check`). The counting is one grouped query
per table in the database."""

from datetime import date

from sqlalchemy import Date, and_, cast, delete, func, insert, literal_column, select, true

from registry.common.time import local_day_bounds
from registry.events.models import PlateEvent, Verdict, Violation
from registry.extensions import db
from registry.gates.models import Gate
from registry.statistics.models import DailyPasses, DailyViolations


def as_day(value) -> date:
    """A local day as `local_day` returns it: SQLite's date() gives text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def local_day(column):
    """The local date (Asia/Shanghai: UTC+8 all year since 1991) of a stored UTC time, in SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("Asia/Shanghai", column), Date)
    return func.date(column, literal_column("'+8 hours'"))


def _in_days(column, first: date | None, last: date | None):
    conditions = []
    if first:
        conditions.append(column >= local_day_bounds(first)[0])
    if last:
        conditions.append(column < local_day_bounds(last)[1])
    return and_(true(), *conditions)


def counted_passes(first: date | None = None, last: date | None = None):
    day = local_day(PlateEvent.captured_at)
    return (
        select(day, PlateEvent.gate_id, Verdict.decision, Gate.firm_id, func.count())
        # on the pass id alone, each table bounded by the days (registry.events.months: a bulk join)
        .join(Verdict, Verdict.plate_event_id == PlateEvent.id)
        .join(Gate, Gate.id == PlateEvent.gate_id)
        .where(_in_days(PlateEvent.captured_at, first, last), _in_days(Verdict.pass_at, first, last))
        .group_by(day, PlateEvent.gate_id, Verdict.decision, Gate.firm_id)
    )


def counted_violations(first: date | None = None, last: date | None = None):
    day, level = local_day(Violation.captured_at), func.coalesce(Violation.alert_level, "")
    return (
        select(day, Violation.gate_id, Violation.rule, level, func.min(Violation.firm_id), func.count())
        .where(_in_days(Violation.captured_at, first, last))
        .group_by(day, Violation.gate_id, Violation.rule, level)
    )


def _day_range(column, first: date | None, last: date | None):
    return and_(true(), *([column >= first] if first else []), *([column <= last] if last else []))


def rebuild(first: date | None = None, last: date | None = None) -> tuple[int, int]:
    """Replace the daily counts of local days first..last (all when None) by a count of the passes;
    flushes, never commits. Returns the rows written to each table."""
    db.session.execute(delete(DailyPasses).where(_day_range(DailyPasses.day, first, last)))
    db.session.execute(delete(DailyViolations).where(_day_range(DailyViolations.day, first, last)))
    passes = db.session.execute(
        insert(DailyPasses).from_select(
            ["day", "gate_id", "decision", "firm_id", "passes"], counted_passes(first, last)
        )
    ).rowcount
    violations = db.session.execute(
        insert(DailyViolations).from_select(
            ["day", "gate_id", "rule", "alert_level", "firm_id", "violations"], counted_violations(first, last)
        )
    ).rowcount
    return passes, violations


def differences(first: date | None = None, last: date | None = None) -> list[str]:
    """Where the stored daily counts differ from a count of the passes (empty: they agree)."""
    found = []
    for name, counted, model, keys, measure in (
        ("passes", counted_passes, DailyPasses, ("day", "gate_id", "decision"), "passes"),
        ("violations", counted_violations, DailyViolations, ("day", "gate_id", "rule", "alert_level"), "violations"),
    ):
        expected = {_key(row[: len(keys)]): row[-1] for row in db.session.execute(counted(first, last))}
        stored = {
            _key(row[:-1]): row[-1]
            for row in db.session.execute(
                select(*(getattr(model, k) for k in keys), getattr(model, measure)).where(
                    _day_range(model.day, first, last)
                )
            )
            if row[-1]
        }
        for key in sorted(set(expected) | set(stored)):
            if expected.get(key, 0) != stored.get(key, 0):
                found.append(f"{name} {key}: counted {expected.get(key, 0)}, stored {stored.get(key, 0)}")
    return found


def _key(values) -> tuple:
    """A row's key with the day as a date on every engine (SQLite's date() answers text)."""
    day, *rest = values
    return (date.fromisoformat(day) if isinstance(day, str) else day, *(getattr(v, "value", v) for v in rest))
