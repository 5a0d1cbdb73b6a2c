"""Sealing each firm's finished days into its chain, and checking the chain against the database.

A run seals, for every firm with passes: each day not sealed yet up to LEDGER_SEAL_DELAY_DAYS before
today (a day with no pass is sealed too, with no rows: its absence would otherwise go unnoticed), and
an amendment for each sealed day within LEDGER_LATE_DAYS that received rows since its last link. A
service: it flushes, the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from registry.common.time import local_date, local_day_bounds, today_local, utcnow
from registry.events.models import PlateEvent
from registry.extensions import db
from registry.gates.models import Gate
from registry.ledger.chain import GENESIS, Link, Row, local_stamp, rows_digest
from registry.ledger.models import LedgerSeal
from registry.retention.services import months_before

MAX_DAYS_PER_RUN = 800


def rows_of(firm_id: int, day: date, after: datetime | None, until: datetime) -> list[Row]:
    """The firm's ledger rows of a local day received in (after, until]."""
    start, end = local_day_bounds(day)
    query = (
        select(PlateEvent.id, PlateEvent.captured_at, PlateEvent.direction, PlateEvent.plate, Gate.code)
        .join(Gate, Gate.id == PlateEvent.gate_id)
        .where(Gate.firm_id == firm_id, PlateEvent.captured_at >= start, PlateEvent.captured_at < end)
        .where(PlateEvent.received_at <= until)
    )
    if after is not None:
        query = query.where(PlateEvent.received_at > after)
    return [
        Row(local_stamp(at), number, getattr(direction, "value", direction), plate or "", code)
        for number, at, direction, plate, code in db.session.execute(query)
    ]


def _chain(firm_id: int) -> list[LedgerSeal]:
    return list(db.session.scalars(select(LedgerSeal).where(LedgerSeal.firm_id == firm_id).order_by(LedgerSeal.id)))


def _add(links: list[LedgerSeal], firm_id, day, kind, after, until, now) -> LedgerSeal:
    rows = rows_of(firm_id, day, after, until)
    count, digest = rows_digest(rows)
    day_rows = rows if kind == "day" else rows_of(firm_id, day, None, until)
    day_count, day_digest = rows_digest(day_rows)
    previous = links[-1].digest if links else GENESIS
    link = Link(firm_id, day, kind, after, until, count, digest, day_count, day_digest, previous)
    seal = LedgerSeal(**link.__dict__, digest=link.digest(), sealed_at=now)
    db.session.add(seal)
    links.append(seal)
    return seal


def _first_day(firm_id: int) -> date | None:
    first = db.session.scalar(
        select(func.min(PlateEvent.captured_at)).where(
            PlateEvent.gate_id.in_(select(Gate.id).where(Gate.firm_id == firm_id))
        )
    )
    return local_date(first) if first else None


def seal_firm(firm_id: int, now: datetime | None = None) -> list[LedgerSeal]:
    """Seal what is due for one firm; the new links."""
    now = now or utcnow()
    config = current_app.config
    links = _chain(firm_id)
    added: list[LedgerSeal] = []
    last_of_day: dict[date, LedgerSeal] = {}
    for link in links:
        last_of_day[link.day] = link
    oldest_late = today_local() - timedelta(days=config["LEDGER_LATE_DAYS"])
    for day in sorted(d for d in last_of_day if d >= oldest_late):
        late = rows_of(firm_id, day, last_of_day[day].received_until, now)
        if late:
            added.append(_add(links, firm_id, day, "amendment", last_of_day[day].received_until, now, now))
    days = [link.day for link in links if link.kind == "day"]
    start = max(days) + timedelta(days=1) if days else _first_day(firm_id)
    last = today_local() - timedelta(days=1 + config["LEDGER_SEAL_DELAY_DAYS"])
    day = start
    while day is not None and day <= last and len(added) < MAX_DAYS_PER_RUN:
        added.append(_add(links, firm_id, day, "day", None, now, now))
        day += timedelta(days=1)
    db.session.flush()
    return added


def seal_all(now: datetime | None = None) -> dict[int, int]:
    """Seal what is due for every firm with a gate: {firm id: links added}."""
    firms = db.session.scalars(select(Gate.firm_id).distinct().order_by(Gate.firm_id)).all()
    return {firm_id: len(seal_firm(firm_id, now)) for firm_id in firms}


@dataclass
class Problem:
    day: date
    kind: str  # changed, deleted, inserted, broken chain, unsealed
    detail: str


@dataclass
class Report:
    firm_id: int
    links: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not [p for p in self.problems if p.kind != "unsealed"]


def _compare(day: date, expected: tuple[int, str], found: tuple[int, str], what: str) -> Problem | None:
    if expected == found:
        return None
    (was, _), (now, _) = expected, found
    kind = "changed" if was == now else "deleted" if now < was else "inserted"
    return Problem(day, kind, f"{what}: sealed {was} rows, found {now}")


def verify_firm(firm_id: int) -> Report:
    """Check every link: the chain unbroken, and each link's rows as they are now against its digest."""
    report = Report(firm_id)
    previous = GENESIS
    last_of_day: dict[date, LedgerSeal] = {}
    # rows older than the ledger's retention were removed on purpose: their links are checked as links only
    kept_from = months_before(today_local(), current_app.config["LEDGER_RETENTION_MONTHS"])
    for seal in _chain(firm_id):
        report.links += 1
        link = seal.link()
        if seal.previous_digest != previous or link.digest() != seal.digest:
            report.problems.append(Problem(seal.day, "broken chain", f"link {seal.id} does not follow its previous"))
        previous = seal.digest
        if seal.day < kept_from:
            continue
        found = rows_digest(rows_of(firm_id, seal.day, seal.received_after, seal.received_until))
        problem = _compare(seal.day, (seal.row_count, seal.rows_digest), found, seal.kind)
        if problem:
            report.problems.append(problem)
        last_of_day[seal.day] = seal
    for day, seal in sorted(last_of_day.items()):
        if day < kept_from:
            continue
        later = rows_of(firm_id, day, seal.received_until, utcnow())
        if later:
            report.problems.append(Problem(day, "unsealed", f"{len(later)} rows received after the last seal"))
    return report
