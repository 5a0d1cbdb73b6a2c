"""Sealing each firm's ledger into its chain, and checking the chain against the database.

A run seals, for every firm with gates:
- each day not sealed yet up to LEDGER_SEAL_DELAY_DAYS before today (a day with no pass is sealed too,
  with no rows: its absence would otherwise go unnoticed), every column of table 3 (registry.ledger.rows);
- an amendment for each sealed day whose rows differ from what its links sealed: a camera's late
  backlog, a weighbridge ticket matched later, the bureau's edit of a truck or a gate. The amendment keeps
  the rows that arrived or changed, as they are now; the earlier links keep what they sealed, so a change
  is never a silent rewrite. A run compares the days within LEDGER_LATE_DAYS, and the older days (within
  retention) that the registry's own edits since the firm's last link touched: a gate changed (all its
  days), a truck changed or given a document (its passes' days), a weighbridge ticket recorded or moved
  (its weighing's day and the days beside it). Anything else that changes an older day is what verify
  reports;
- a link for table 4 and one for table 5 whenever the firm's register differs from its last link.
A service: it flushes, the caller commits. The check (`verify_firm`) rebuilds each day from its links and
names every cell that differs from the database now."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from registry.common.time import local_date, local_day_bounds, today_local, utcnow
from registry.documents.models import VehicleDocument
from registry.events.models import PlateEvent
from registry.extensions import db
from registry.gates.models import Gate
from registry.labels.table import words
from registry.ledger import rows as ledger_rows
from registry.ledger.chain import (
    FORMAT,
    GENESIS,
    KIND_TABLE,
    Change,
    Link,
    Row,
    differences,
    legacy_digest,
    pack,
    rows_digest,
    unpack,
)
from registry.ledger.models import LedgerSeal
from registry.retention.services import months_before
from registry.vehicles.models import Vehicle
from registry.weighbridge.models import WeighTicket

MAX_DAYS_PER_RUN = 800
DAY_KINDS = ("day", "amendment")


def _chain(firm_id: int, with_rows: bool = False) -> list[LedgerSeal]:
    """The firm's links in order; their kept rows only when asked (one query, not one a link)."""
    query = select(LedgerSeal).where(LedgerSeal.firm_id == firm_id).order_by(LedgerSeal.id)
    return list(db.session.scalars(query.options(undefer(LedgerSeal.rows)) if with_rows else query))


def _day_of(row: Row) -> date:
    return date(int(row.order[:4]), int(row.order[4:6]), int(row.order[6:8]))


def days_now(firm_id: int, first: date, last: date, until: datetime) -> Iterator[tuple[date, dict]]:
    """Each local day in [first, last], days without a pass included, with its table-3 rows now (received
    by `until`): {pass id: (row, received at)}. Streamed: one day in memory at a time."""
    start, end = local_day_bounds(first)[0], local_day_bounds(last)[1]
    grouped = groupby(ledger_rows.table3(firm_id, start, end, until), key=lambda item: _day_of(item[0]))
    pending = next(grouped, None)
    day = first
    while day <= last:
        if pending is not None and pending[0] == day:
            found = {row.key: (row, received) for row, _, received in pending[1]}
            pending = next(grouped, None)
            yield day, found
        else:
            yield day, {}
        day += timedelta(days=1)


def _apply(state: dict[int, Row] | None, link: LedgerSeal, rows: list[Row]) -> dict[int, Row] | None:
    """The state after one more link: a format-1 link leaves nothing known (the first chain kept no
    rows); a table's link, and a day's first full link after format 1, hold everything."""
    if link.format == 1:
        return None
    state = {} if state is None or link.kind in ("table4", "table5") else dict(state)
    state.update((row.key, row) for row in rows)
    return state


def sealed_state(links: list[LedgerSeal]) -> dict[int, Row] | None:
    """A day (or table) as its links sealed it, applied in order."""
    state: dict[int, Row] | None = {}
    for link in links:
        state = _apply(state, link, unpack(link.rows, KIND_TABLE[link.kind]) if link.format != 1 else [])
    return state


def _add(links: list[LedgerSeal], firm_id, day, kind, after, until, rows, state, now) -> LedgerSeal:
    count, digest = rows_digest(rows)
    day_count, day_digest = rows_digest(state)
    previous = links[-1].digest if links else GENESIS
    link = Link(firm_id, day, kind, after, until, count, digest, day_count, day_digest, previous, FORMAT)
    seal = LedgerSeal(**link.__dict__, digest=link.digest(), sealed_at=now, rows=pack(rows))
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


def _amendment(last: LedgerSeal, links_of_day, found: dict) -> tuple[list[Row], list[Row]] | None:
    """What a sealed day needs sealed again: (the rows that arrived or changed, the day after them)."""
    rows = {key: row for key, (row, _) in found.items()}
    if last.format == 1:
        # the first chain: sealed again in full, where its five columns still hold (else verify says so)
        sealed_by_then = [row for row, received in found.values() if received <= last.received_until]
        if legacy_digest(sealed_by_then) != (last.day_count, last.day_digest):
            return None
        return list(rows.values()), list(rows.values())
    if rows_digest(rows.values()) == (last.day_count, last.day_digest):
        return None
    state = sealed_state(links_of_day) or {}
    changed = [row for key, row in rows.items() if state.get(key) != row]
    if not changed:
        return None  # rows gone: not something to seal; verify says which
    return changed, list((state | {row.key: row for row in changed}).values())


def _tables(links: list[LedgerSeal], firm_id: int, now: datetime) -> list[LedgerSeal]:
    added = []
    current = {"4": ledger_rows.table4(firm_id), "5": [row for row, _ in ledger_rows.table5(firm_id)]}
    for table, rows in current.items():
        kind = f"table{table}"
        last = next((link for link in reversed(links) if link.kind == kind), None)
        if last is None and not rows:
            continue
        if last is not None and rows_digest(rows) == (last.day_count, last.day_digest):
            continue
        added.append(_add(links, firm_id, local_date(now), kind, None, now, rows, rows, now))
    return added


def touched_days(firm_id: int, since: datetime, kept_from: date) -> set[date] | None:
    """The days of the firm's ledger that the registry's own edits since `since` may have changed; None:
    all of them (a gate of the firm was changed)."""
    gates = select(Gate.id).where(Gate.firm_id == firm_id)
    if db.session.scalar(select(Gate.id).where(Gate.firm_id == firm_id, Gate.updated_at > since).limit(1)):
        return None
    days: set[date] = set()
    weighed = select(WeighTicket.weighed_at).where(WeighTicket.firm_id == firm_id, WeighTicket.updated_at > since)
    for (at,) in db.session.execute(weighed):
        day = local_date(at)  # the ticket's pass is within hours of its weighing: that day or one beside it
        days.update(day + timedelta(days=shift) for shift in (-1, 0, 1))
    vehicles = (
        select(Vehicle.id)
        .where(Vehicle.updated_at > since)
        .union(select(VehicleDocument.vehicle_id).where(VehicleDocument.uploaded_at > since))
    )
    passes = select(PlateEvent.captured_at).where(
        PlateEvent.gate_id.in_(gates),
        PlateEvent.vehicle_id.in_(vehicles),
        PlateEvent.captured_at >= local_day_bounds(kept_from)[0],
    )
    days.update(local_date(at) for (at,) in db.session.execute(passes))
    return days


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: (first, last) each."""
    runs: list[list[date]] = []
    for day in days:
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def seal_firm(firm_id: int, now: datetime | None = None) -> list[LedgerSeal]:
    """Seal what is due for one firm; the new links."""
    now = now or utcnow()
    config = current_app.config
    links = _chain(firm_id)
    added: list[LedgerSeal] = []
    of_day: dict[date, list[LedgerSeal]] = {}
    for link in links:
        if link.kind in DAY_KINDS:
            of_day.setdefault(link.day, []).append(link)
    kept_from = months_before(today_local(), config["LEDGER_RETENTION_MONTHS"])
    recent = today_local() - timedelta(days=config["LEDGER_LATE_DAYS"])
    touched = touched_days(firm_id, max(link.sealed_at for link in links), kept_from) if links else set()
    # a day sealed by the first chain (format 1) is compared until it is sealed again in full
    sealed = sorted(
        day
        for day, day_links in of_day.items()
        if day >= kept_from and (day >= recent or touched is None or day in touched or day_links[-1].format == 1)
    )
    with db.session.no_autoflush:
        for first, last_of_run in _runs(sealed):
            for day, found in days_now(firm_id, first, last_of_run, now):
                last = of_day[day][-1]
                amendment = _amendment(last, of_day[day], found)
                if amendment:
                    added.append(_add(links, firm_id, day, "amendment", last.received_until, now, *amendment, now))
        days = [link.day for link in links if link.kind == "day"]
        start = max(days) + timedelta(days=1) if days else _first_day(firm_id)
        last_day = min(today_local() - timedelta(days=1 + config["LEDGER_SEAL_DELAY_DAYS"]),
                       (start or today_local()) + timedelta(days=MAX_DAYS_PER_RUN - 1))  # fmt: skip
        if start is not None and start <= last_day:
            for day, found in days_now(firm_id, start, last_day, now):
                rows = [row for row, _ in found.values()]
                added.append(_add(links, firm_id, day, "day", None, now, rows, rows, now))
        added.extend(_tables(links, firm_id, now))
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
    table: str = "3"
    key: int | None = None  # the pass (table 3) or the row's place (tables 4, 5)
    column: str = ""
    sealed: str = ""
    found: str = ""


@dataclass
class Report:
    firm_id: int
    links: int = 0
    amendments: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not [p for p in self.problems if p.kind != "unsealed"]


# the columns whose sealed value is a code: shown to a person as its word (禁止通行, not deny)
CODED = {"进出厂方向": "direction", "判定结果": "decision", "时间来源": "time_source", "排放阶段": "stage",
         "燃料类型": "fuel", "机械类型": "machine_type", "登记状态": "machinery_status"}  # fmt: skip


def _shown(column: str, value: str) -> str:
    return f"“{words(CODED[column], value, 'zh') if column in CODED and value else value}”"


def problem_of(day: date, change: Change, table: str, where: str = "") -> Problem:
    """A difference in words: which row, which column, what was sealed and what is there now (the
    Problem keeps the codes, for programs)."""
    row = f"过车 {change.key}" if table == "3" else f"表{table} 第 {change.key} 行"
    if change.kind == "changed":
        sealed, found = _shown(change.column, change.sealed), _shown(change.column, change.found)
        detail = f"{row} {change.column}: 封存 {sealed}，{where or '现为'} {found}"
    else:
        detail = f"{row} {'已删除' if change.kind == 'deleted' else '未封存却出现'}"
    return Problem(day, change.kind, detail, table, change.key, change.column, change.sealed, change.found)


def _chain_problems(report: Report, chain: list[LedgerSeal]) -> tuple[dict, dict]:
    """Each link's digest, order and kept rows, each link unpacked once: the links of each day and
    table, in order, and the state they sealed."""
    previous = GENESIS
    groups: dict[tuple, list[LedgerSeal]] = {}
    states: dict[tuple, dict[int, Row] | None] = {}
    for seal in chain:
        report.links += 1
        report.amendments += seal.kind == "amendment"
        if seal.previous_digest != previous or seal.link().digest() != seal.digest:
            report.problems.append(Problem(seal.day, "broken chain", f"link {seal.id} does not follow its previous"))
        previous = seal.digest
        group = (KIND_TABLE[seal.kind], seal.day if seal.kind in DAY_KINDS else None)
        groups.setdefault(group, []).append(seal)
        rows = unpack(seal.rows, group[0]) if seal.format != 1 else []
        states[group] = state = _apply(states.get(group, {}), seal, rows)
        if state is not None and (
            rows_digest(rows) != (seal.row_count, seal.rows_digest)
            or rows_digest(state.values()) != (seal.day_count, seal.day_digest)
        ):
            report.problems.append(Problem(seal.day, "broken chain", f"the rows kept with link {seal.id} were changed"))
    return groups, states


def verify_firm(firm_id: int) -> Report:
    """Check every link (digest, order, the rows it keeps) and every sealed day and table against the
    database now, cell by cell. Rows and changes that arrived after a day's last link are `unsealed`: the
    next run seals them as an amendment; anything else that differs is tampering."""
    report = Report(firm_id)
    groups, states = _chain_problems(report, _chain(firm_id, with_rows=True))
    # rows older than the ledger's retention were removed on purpose: their links are checked as links only
    kept_from = months_before(today_local(), current_app.config["LEDGER_RETENTION_MONTHS"])
    days = sorted(day for table, day in groups if table == "3" and day >= kept_from)
    now = utcnow()
    for day, found in days_now(firm_id, days[0], days[-1], now) if days else ():
        links = groups.get(("3", day))
        if links:
            report.problems.extend(_day_problems(day, links, states[("3", day)], found))
    for table, current in (("4", ledger_rows.table4(firm_id)), ("5", [r for r, _ in ledger_rows.table5(firm_id)])):
        links = groups.get((table, None))
        state = states.get((table, None)) or {}
        for change in differences(state, {row.key: row for row in current}, table):
            problem = problem_of(links[-1].day if links else today_local(), change, table)
            problem.kind = "unsealed"  # a register changed since its last seal: the next run seals it
            report.problems.append(problem)
    return report


def _day_problems(day: date, links: list[LedgerSeal], state: dict | None, found: dict) -> list[Problem]:
    last = links[-1]
    later = {key: row for key, (row, received) in found.items() if received > last.received_until}
    if last.format == 1:
        earlier = [row for key, (row, _) in found.items() if key not in later]
        count, digest = legacy_digest(earlier)
        problems = []
        if (count, digest) != (last.day_count, last.day_digest):
            kind = "changed" if count == last.day_count else "deleted" if count < last.day_count else "inserted"
            problems.append(Problem(day, kind, f"sealed {last.day_count} rows, found {count} (format 1)"))
        if later:
            problems.append(Problem(day, "unsealed", f"{len(later)} rows received after the last seal"))
        return problems
    problems = []
    for change in differences(state or {}, {key: row for key, (row, _) in found.items()}, "3"):
        problem = problem_of(day, change, "3")
        if change.kind == "inserted" and change.key in later:
            problem.kind, problem.detail = "unsealed", f"过车 {change.key} 在最后一次封存后收到"
        problems.append(problem)
    return problems
