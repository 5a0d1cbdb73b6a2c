"""What the bureau dashboard shows, each from one query."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import String, case, cast, func, select

from registry.alerts.services import covering
from registry.cases.models import Case
from registry.common.pagination import capped_count
from registry.common.time import LOCAL_TZ, local_date, local_day_bounds, utcnow
from registry.dashboard.gate_map import GateMap, MapGate, draw
from registry.dashboard.liveness import is_silent, parse_hours
from registry.events.models import DeadLetter, PlateEvent, Severity, Verdict, Violation, ViolationStatus
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.delivery import delivery
from registry.gates.models import Gate
from registry.obd.models import ObdTerminal
from registry.statistics.models import DailyViolations
from registry.statistics.services import as_day
from registry.uplink.models import UplinkTarget

DAYS = 30


def _last_days(now) -> tuple:
    today = local_date(now)
    return today - timedelta(days=DAYS - 1), today


@dataclass
class MonthOfViolations:
    """The last 30 days' violations per day, firm and rule, from one read of the daily counts (grouped
    by the three together; a few thousand rows for a city) rather than one sum of every row per figure."""

    days: list
    by_day: Counter
    by_firm: Counter
    by_rule: Counter

    @classmethod
    def of(cls, now) -> MonthOfViolations:
        first, today = _last_days(now)
        total = func.sum(DailyViolations.violations)
        rows = db.session.execute(
            select(DailyViolations.day, DailyViolations.firm_id, DailyViolations.rule, total)
            .where(DailyViolations.day >= first)
            .group_by(DailyViolations.day, DailyViolations.firm_id, DailyViolations.rule)
        )
        by_day, by_firm, by_rule = Counter(), Counter(), Counter()
        for day, firm_id, rule, count in rows:
            by_day[as_day(day)] += int(count)
            by_firm[firm_id] += int(count)
            by_rule[rule] += int(count)
        days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
        return cls(days, by_day, by_firm, by_rule)

    def per_day(self) -> list[tuple]:
        """(local date, count) for each of the last 30 days, oldest first, zeros included."""
        return [(day, self.by_day.get(day, 0)) for day in self.days]

    def top_firms(self, limit: int = 5) -> list[tuple[str, int]]:
        # a road checkpoint's violations (no firm) count by day and rule, not among the firms
        counted = {firm_id: n for firm_id, n in self.by_firm.items() if n > 0 and firm_id is not None}
        names = dict(db.session.execute(select(Firm.id, Firm.name).where(Firm.id.in_(counted))).all())
        return _top([(names.get(firm_id, ""), n) for firm_id, n in counted.items()], limit)

    def top_rules(self, limit: int = 5) -> list[tuple[str, int]]:
        return _top(list(self.by_rule.items()), limit)


def _top(counts: list[tuple[str, int]], limit: int) -> list[tuple[str, int]]:
    return sorted(((key, n) for key, n in counts if n > 0), key=lambda kv: (-kv[1], kv[0]))[:limit]


def silent_now(last_pass, heartbeat, now) -> bool:
    """Whether a gate whose last pass and heartbeat are these is silent now (GATE_SILENT_MINUTES during
    WORKING_HOURS)."""
    config = current_app.config
    threshold = timedelta(minutes=config["GATE_SILENT_MINUTES"])
    alive = max((t for t in (last_pass, heartbeat) if t is not None), default=None)
    return is_silent(alive, now, threshold, parse_hours(config["WORKING_HOURS"]), LOCAL_TZ)


def gate_liveness(now) -> list[dict]:
    """Every active gate with its last pass and heartbeat, flagged when silent during working hours,
    and its delivery rate yesterday and today."""
    config = current_app.config
    # The gate's row holds its last pass and that pass's camera clock (kept by ingest): one row per gate.
    gates = db.session.execute(
        select(
            Gate.code,
            Gate.name,
            Firm.name,
            Gate.last_pass_at,
            Gate.last_camera_time,
            Gate.last_seen_at,
            Gate.latitude,
            Gate.longitude,
        )
        .join(Firm, Gate.firm_id == Firm.id)
        .where(Gate.active)
        .order_by(Firm.name, Gate.code)
    )
    today = local_date(now)
    target = config["DELIVERY_TARGET_PERMILLE"] / 1000
    days = {(d.gate, d.day): d for d in delivery(today - timedelta(days=1), today, target)}
    rows = []
    for code, name, firm, seen, camera_time, heartbeat, latitude, longitude in gates:
        rows.append(
            {
                "code": code,
                "name": name,
                "firm": firm,
                "last": seen,
                "heartbeat": heartbeat,
                "silent": silent_now(seen, heartbeat, now),
                "camera_time": camera_time,
                "yesterday": days.get((code, today - timedelta(days=1))),
                "today": days.get((code, today)),
                "latitude": latitude,
                "longitude": longitude,
            }
        )
    return rows


def recent_denies(limit: int = 10):
    """The latest denied passes: a deny is a pass with a violation of severity deny, found newest first
    through that index (never by scanning verdicts)."""
    pass_ids = db.session.scalars(
        select(Violation.plate_event_id)
        .where(Violation.severity == Severity.DENY)
        .order_by(Violation.captured_at.desc(), Violation.id.desc())
        .limit(limit * 5)  # a pass with several denying findings has several rows
    ).all()
    wanted = list(dict.fromkeys(pass_ids))[:limit]
    passes = {p.id: p for p in db.session.scalars(select(PlateEvent).where(PlateEvent.id.in_(wanted)))}
    return [passes[i] for i in wanted if i in passes]


def dead_letters(now, limit: int = 5):
    since = now - timedelta(days=1)
    count = db.session.scalar(select(func.count(DeadLetter.id)).where(DeadLetter.received_at >= since))
    latest = db.session.scalars(select(DeadLetter).order_by(DeadLetter.received_at.desc()).limit(limit)).all()
    return count, latest


def obd_today(now) -> dict[str, int]:
    """Today's passes of China VI trucks by what the gate knew of their remote emission terminal: well
    (heard from, no finding), in question (an OBD_MONITORING finding: silent or alarming), or none heard
    from (远程监控: clean passes with OBD)."""
    start, end = local_day_bounds(local_date(now))
    flagged = cast(Verdict.stored_findings, String).like('%"OBD_MONITORING"%')
    state = case((flagged, "questioned"), (ObdTerminal.id.is_not(None), "well"), else_="none")
    query = (
        select(state, func.count())
        .select_from(Verdict)
        .join(PlateEvent, PlateEvent.id == Verdict.plate_event_id)
        .outerjoin(ObdTerminal, ObdTerminal.vehicle_id == PlateEvent.vehicle_id)
        .where(Verdict.emission_stage == "6", Verdict.pass_at >= start, Verdict.pass_at < end)
        .where(PlateEvent.captured_at >= start, PlateEvent.captured_at < end)
        .group_by(state)
    )
    counts = {"well": 0, "questioned": 0, "none": 0} | dict(db.session.execute(query).all())
    return counts | {"total": sum(counts.values())}


def dashboard() -> dict:
    now = utcnow()
    month = MonthOfViolations.of(now)
    per_day = month.per_day()
    gates = gate_liveness(now)
    return {
        "now": now,
        "per_day": per_day,
        "peak": max((count for _, count in per_day), default=0),
        "top_firms": month.top_firms(),
        "top_rules": month.top_rules(),
        "alerts": db.session.scalars(covering(now)).all(),
        "gates": gates,
        "denies": recent_denies(),
        "dead_letters": dead_letters(now),
        "open_cases": open_cases(),
        "uplink_failing": uplink_failing(),
        "gate_map": gates_on_map(gates),
        "obd": obd_today(now),
    }


def gates_on_map(active: list[dict], disabled=()) -> GateMap | None:
    """The gates placed on the map (registry.dashboard.gate_map), coloured by state: the active ones as
    gate_liveness gave them (no second look at the gates), the disabled Gate rows grey."""
    placed = [
        MapGate(g["code"], g["name"], g["firm"], g["latitude"], g["longitude"], "silent" if g["silent"] else "working")
        for g in active
        if g["latitude"] is not None and g["longitude"] is not None
    ]
    placed += [
        MapGate(gate.code, gate.name, firm, gate.latitude, gate.longitude, "disabled")
        for gate, firm in disabled
        if gate.latitude is not None and gate.longitude is not None
    ]
    return draw(placed, len(active) + len(disabled) - len(placed))


def uplink_failing() -> list:
    """Enabled uplink targets whose last batch failed (a handful of rows: the bureau's higher platforms)."""
    query = select(UplinkTarget).where(UplinkTarget.enabled, UplinkTarget.failures > 0).order_by(UplinkTarget.name)
    return list(db.session.scalars(query))


def open_cases() -> dict:
    """The review queue's length (counted up to COUNT_CAP on its status index)."""
    total, exact = capped_count(select(Case.plate_event_id).where(Case.status == ViolationStatus.OPEN))
    return {"total": total, "total_exact": exact}
