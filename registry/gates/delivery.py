"""Delivery per gate and day (HJ 1321-2023 asks a gate system to deliver at least 95 % of its records).

Cameras that number their records (AlarmInfoPlate `plateid`, stored as the read's `sequence`) show what
never arrived: the gaps in each camera's numbers. A day's rate is received / (received + missing),
counted in the database by a window over each camera's numbers in order (a backlog that arrives late
fills its gap). A jump of more than MAX_GAP is a camera that restarted its numbering, not lost records.
Gates whose cameras do not number records have no rate, only their reads and last-seen time.

A closed day is counted once by the daily job (`flask statistics delivery`, which counts the last week
again for the backlogs that arrived since) and kept (daily_delivery); a report reads the kept days and
counts from the reads only the last two days and any day the job has not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, delete, func, insert, select

from registry.common.time import local_day_bounds, today_local, utcnow
from registry.events.models import PlateRead
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.statistics.models import DailyDelivery
from registry.statistics.services import as_day, local_day

MAX_GAP = 1000


@dataclass
class DayDelivery:
    gate: str
    gate_name: str
    firm: str
    day: date
    reads: int  # every read stored for the day
    numbered: int  # reads that carried the camera's record number
    missing: int  # record numbers that never arrived
    last_seen: datetime | None  # the camera's last heartbeat or read, whichever is later
    target: float

    @property
    def rate(self) -> float | None:
        expected = self.numbered + self.missing
        return self.numbered / expected if expected else None

    @property
    def below_target(self) -> bool:
        return self.rate is not None and self.rate < self.target

    @property
    def silent(self) -> bool:
        return self.reads == 0

    def as_dict(self) -> dict:
        return {
            "gate": self.gate,
            "gate_name": self.gate_name,
            "firm": self.firm,
            "day": self.day.isoformat(),
            "reads": self.reads,
            "numbered": self.numbered,
            "missing": self.missing,
            "rate": round(self.rate, 4) if self.rate is not None else None,
            "below_target": self.below_target,
            "silent": self.silent,
            "last_seen": self.last_seen,
        }


LIVE_DAYS = 2  # today and yesterday are always counted from the reads: their backlogs still arrive


def delivery(first: date, last: date, target: float, gate_codes: list[str] | None = None) -> list[DayDelivery]:
    """Every active gate (or those named) for each local day from `first` to `last`, inclusive: the days
    the daily job counted from their rows (daily_delivery), the others (the last two, or a day not
    counted yet) from the reads."""
    query = select(Gate.id, Gate.code, Gate.name, Firm.name, Gate.last_seen_at).join(Firm).where(Gate.active)
    if gate_codes:
        query = query.where(Gate.code.in_(gate_codes))
    gates = db.session.execute(query.order_by(Firm.name, Gate.code)).all()
    if not gates:
        return []
    ids = [row[0] for row in gates]
    counts = _stored(ids, first, min(last, today_local() - timedelta(days=LIVE_DAYS)))
    counted = {day for _, day in counts}
    for span in _spans([d for d in _days(first, last) if d not in counted]):
        counts |= _day_counts(ids, *span)
    rows = []
    for day in _days(first, last):
        for gate_id, code, name, firm, seen in gates:
            reads, numbered, missing, last_read = counts.get((gate_id, day), (0, 0, 0, None))
            latest = max((t for t in (seen, last_read) if t is not None), default=None)
            rows.append(DayDelivery(code, name, firm, day, reads, numbered, missing, latest, target))
    return rows


def count_closed_days(first: date, last: date) -> int:
    """Count each closed day of first..last (never today) from its reads and keep it, replacing what was
    kept: a row for every active gate, zeros too. Flushes; the caller commits. The rows kept."""
    last = min(last, today_local() - timedelta(days=1))
    if last < first:
        return 0
    ids = list(db.session.scalars(select(Gate.id).where(Gate.active)))
    counts = _day_counts(ids, first, last) if ids else {}
    now = utcnow()
    db.session.execute(delete(DailyDelivery).where(DailyDelivery.day.between(first, last)))
    rows = [
        {"day": day, "gate_id": gate_id, "reads": reads, "numbered": numbered, "missing": missing,
         "last_read_at": latest, "counted_at": now}
        for day in _days(first, last)
        for gate_id in ids
        for reads, numbered, missing, latest in (counts.get((gate_id, day), (0, 0, 0, None)),)
    ]  # fmt: skip
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(DailyDelivery), rows[start : start + 5000])
    db.session.flush()
    return len(rows)


def _stored(gate_ids: list[int], first: date, last: date) -> dict[tuple[int, date], tuple]:
    """The kept counts of the gates' closed days (a day the job counted has a row for every gate)."""
    if last < first:
        return {}
    rows = db.session.execute(
        select(
            DailyDelivery.gate_id,
            DailyDelivery.day,
            DailyDelivery.reads,
            DailyDelivery.numbered,
            DailyDelivery.missing,
            DailyDelivery.last_read_at,
        ).where(DailyDelivery.day.between(first, last), DailyDelivery.gate_id.in_(gate_ids))
    )
    return {
        (gate_id, day): (reads, numbered, missing, latest) for gate_id, day, reads, numbered, missing, latest in rows
    }


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _spans(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) spans, each counted from the reads in one pass."""
    spans: list[list[date]] = []
    for day in sorted(days):
        if spans and day == spans[-1][1] + timedelta(days=1):
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [(a, b) for a, b in spans]


def _day_counts(gate_ids: list[int], first: date, last: date) -> dict[tuple[int, date], tuple]:
    """(reads, numbered reads, missing numbers, last read) per gate and local day, in one pass over the
    days' reads. A read counts on the day of its pass (its copy of the pass's time, `pass_at`: only those
    days' months of plate_reads are read); each camera's numbers are compared within a day."""
    start, end = local_day_bounds(first)[0], local_day_bounds(last)[1]
    of_days = (
        select(
            PlateRead.gate_id,
            local_day(PlateRead.pass_at).label("day"),
            PlateRead.device,
            PlateRead.sequence,
            PlateRead.received_at,
        )
        .where(PlateRead.gate_id.in_(gate_ids), PlateRead.pass_at >= start, PlateRead.pass_at < end)
        .subquery()
    )
    step = (
        of_days.c.sequence
        - func.lag(of_days.c.sequence).over(
            partition_by=(of_days.c.gate_id, of_days.c.day, of_days.c.device), order_by=of_days.c.sequence
        )
    ).label("step")
    stepped = select(of_days, step).subquery()  # one pass over the reads: totals and gaps together
    rows = db.session.execute(
        select(
            stepped.c.gate_id,
            stepped.c.day,
            func.count(),
            func.count(stepped.c.sequence),
            func.coalesce(func.sum(case((stepped.c.step.between(2, MAX_GAP), stepped.c.step - 1), else_=0)), 0),
            func.max(stepped.c.received_at),
        ).group_by(stepped.c.gate_id, stepped.c.day)
    )
    return {
        (gate_id, as_day(day)): (reads, numbered, int(missing), latest)
        for gate_id, day, reads, numbered, missing, latest in rows
    }
