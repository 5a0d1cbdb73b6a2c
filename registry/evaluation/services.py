"""The alert evaluation (错峰运输执行评估), computed in the database: one grouped query for the alert's
span and one for the normal days, per firm; nothing but the per-firm counts comes back to Python.

A pass is *restricted* when the STAGGERED_TRANSPORT policy in force when the alert began bans its truck
at the firm's grade and the alert's level, as the gate's rules do (registry.rules.engine): a registered
vehicle of a class in the SCOPE policy in force then (heavy and medium trucks, tractors by default; cars
and other small vehicles never), and every such truck where the cell says `all`, else one whose stage (as
the rules used it at the pass) is that stage or older. A pass whose stage is not known is not counted as
restricted: it is counted apart (`unknown`), and only for a truck in scope or an unregistered vehicle
with a plate colour in scope (yellow). The same test is applied on the normal days, so that the two
figures compare like with like.

Normal days are the `EVALUATION_NORMAL_DAYS` (5) whole local days before the alert's first day on which
no alert for the firm's region (or the whole district) was in force, looked for within
`EVALUATION_LOOKBACK_DAYS` (60)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, literal, or_, select

from registry.alerts.models import Alert
from registry.common.time import local_date, local_day_bounds
from registry.events.models import PlateEvent, Verdict
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.policies.services import policy_in_force
from registry.rules.engine import ALL_FREIGHT, DEFAULT_SCOPE
from registry.vehicles.models import EmissionStage, PlateColour, Vehicle, VehicleClass

COMBUSTION = [s.value for s in EmissionStage if s != EmissionStage.NEW_ENERGY]


@dataclass
class FirmFigures:
    firm_id: int
    firm: str
    grade: str
    restricted_per_day_alert: float
    all_per_day_alert: float
    restricted_per_day_normal: float | None
    all_per_day_normal: float | None
    unknown_per_day_alert: float = 0.0  # trucks in scope whose stage is not known: shown apart
    unknown_per_day_normal: float | None = None

    @property
    def reduction(self) -> float | None:
        """How much the restricted trucks' daily passes fell (0.8 = by 80 %); None without a baseline."""
        if not self.restricted_per_day_normal:
            return None
        return 1 - self.restricted_per_day_alert / self.restricted_per_day_normal

    @property
    def outcome(self) -> str:
        """not_staggered, staggered, quiet (no restricted truck passed on either side), or no_baseline
        (restricted trucks passed during the alert, but the normal days have no pass of the firm at all:
        nothing to compare with, which says nothing of whether it staggered)."""
        if self.no_baseline:
            return "no_baseline"
        if self.did_not_fall:
            return "not_staggered"
        return "staggered" if self.restricted_per_day_normal else "quiet"

    @property
    def no_baseline(self) -> bool:
        return self.restricted_per_day_alert > 0 and not self.all_per_day_normal

    @property
    def did_not_fall(self) -> bool:
        if self.no_baseline:
            return False
        return self.restricted_per_day_alert > 0 and (self.reduction is None or self.reduction <= 0)


@dataclass
class Evaluation:
    alert: Alert
    starts_at: datetime
    ends_at: datetime
    alert_days: float
    normal_days: list[date]
    firms: list[FirmFigures]


def _in_force(alert: Alert, rule: str):
    return policy_in_force(rule, local_date(alert.starts_at))


def _bans(alert: Alert) -> dict[str, str]:
    """{grade: the cell (a stage, or all)} of the staggered policy in force when the alert began."""
    policy = _in_force(alert, "STAGGERED_TRANSPORT")
    matrix = policy.params.get("matrix", {}) if policy else {}
    return {grade: cells[alert.level.value] for grade, cells in matrix.items() if alert.level.value in cells}


def _scope(alert: Alert) -> dict:
    policy = _in_force(alert, "SCOPE")
    return policy.params if policy else DEFAULT_SCOPE


def _tests(bans: dict[str, str], scope: dict):
    """(restricted, unknown): 1 or 0 for a pass, as SQL over the firm's grade, the vehicle's class and
    the verdict's stage; the same vehicles the gate's rule restricts."""
    classes = [VehicleClass(c) for c in scope.get("vehicle_classes", []) if c in VehicleClass._value2member_map_]
    colours = [PlateColour(c) for c in scope.get("plate_colors", []) if c in PlateColour._value2member_map_]
    in_scope = and_(PlateEvent.vehicle_id.is_not(None), Vehicle.vehicle_class.in_(classes))
    unknown_stage = or_(
        and_(in_scope, Verdict.emission_stage.is_(None)),
        and_(PlateEvent.vehicle_id.is_(None), PlateEvent.plate_color.in_(colours)),
    )
    restricted, unknown = [], []
    for grade, ban in bans.items():
        graded = Firm.performance_grade == grade
        if ban == ALL_FREIGHT:
            restricted.append((and_(graded, in_scope), 1))
            unknown.append((and_(graded, PlateEvent.vehicle_id.is_(None), PlateEvent.plate_color.in_(colours)), 1))
        else:
            older = [s for s in COMBUSTION if int(s) <= int(ban)]
            restricted.append((and_(graded, in_scope, Verdict.emission_stage.in_(older)), 1))
            unknown.append((and_(graded, unknown_stage), 1))
    return tuple(case(*whens, else_=0) if whens else literal(0) for whens in (restricted, unknown))


def _counts(firm_ids: list[int], spans: list[tuple[datetime, datetime]], tests) -> dict[int, tuple[int, int, int]]:
    """{firm id: (restricted passes, passes of unknown stage, all passes)} within the spans."""
    if not spans or not firm_ids:
        return {}
    restricted, unknown = tests
    within = or_(*(and_(PlateEvent.captured_at >= start, PlateEvent.captured_at < end) for start, end in spans))
    pass_within = or_(*(and_(Verdict.pass_at >= start, Verdict.pass_at < end) for start, end in spans))
    query = (
        select(Gate.firm_id, func.sum(restricted), func.sum(unknown), func.count())
        .select_from(PlateEvent)
        .join(Gate, Gate.id == PlateEvent.gate_id)
        .join(Firm, Firm.id == Gate.firm_id)
        # on the pass id alone, each table bounded by the spans (registry.events.months: a bulk join)
        .join(Verdict, Verdict.plate_event_id == PlateEvent.id)
        .outerjoin(Vehicle, Vehicle.id == PlateEvent.vehicle_id)
        .where(Gate.firm_id.in_(firm_ids), within, pass_within)
        .group_by(Gate.firm_id)
    )
    return {
        firm: (int(banned or 0), int(unknown or 0), int(total))
        for firm, banned, unknown, total in db.session.execute(query)
    }


def normal_days(alert: Alert, count: int, lookback: int) -> list[date]:
    """The `count` whole local days before the alert's first day with no alert for its region in force."""
    first = local_date(alert.starts_at)
    earliest = local_day_bounds(first - timedelta(days=lookback))[0]
    others = db.session.execute(
        select(Alert.starts_at, func.coalesce(Alert.ended_early_at, Alert.ends_at)).where(
            Alert.id != alert.id,
            Alert.withdrawn_at.is_(None),
            Alert.starts_at < local_day_bounds(first)[0],
            func.coalesce(Alert.ended_early_at, Alert.ends_at) > earliest,
            or_(Alert.region.is_(None), Alert.region == alert.region) if alert.region else literal(True),
        )
    ).all()
    days, day = [], first - timedelta(days=1)
    while len(days) < count and day >= first - timedelta(days=lookback):
        start, end = local_day_bounds(day)
        if not any(s < end and e > start for s, e in others):
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def evaluate_alert(alert: Alert) -> Evaluation:
    config = current_app.config
    starts_at, ends_at = alert.starts_at, alert.ended_early_at or alert.ends_at
    alert_days = max((ends_at - starts_at).total_seconds() / 86400, 1 / 24)
    firms_query = select(Firm.id, Firm.name, Firm.performance_grade).where(Firm.id.in_(select(Gate.firm_id)))
    if alert.region:
        firms_query = firms_query.where(Firm.region == alert.region)
    firms = db.session.execute(firms_query.order_by(Firm.id)).all()
    ids = [firm_id for firm_id, _name, _grade in firms]
    tests = _tests(_bans(alert), _scope(alert))
    during = _counts(ids, [(starts_at, ends_at)], tests)
    days = normal_days(alert, config["EVALUATION_NORMAL_DAYS"], config["EVALUATION_LOOKBACK_DAYS"])
    before = _counts(ids, [local_day_bounds(day) for day in days], tests)
    rows = []
    for firm_id, name, grade in firms:
        banned, unknown, total = during.get(firm_id, (0, 0, 0))
        normal = before.get(firm_id, (0, 0, 0))
        rows.append(
            FirmFigures(
                firm_id,
                name,
                getattr(grade, "value", grade),
                banned / alert_days,
                total / alert_days,
                normal[0] / len(days) if days else None,
                normal[2] / len(days) if days else None,
                unknown / alert_days,
                normal[1] / len(days) if days else None,
            )
        )
    # the firms where restricted traffic did not fall first, the most restricted passes a day first
    rows.sort(key=lambda r: (not r.did_not_fall, -r.restricted_per_day_alert, r.firm_id))
    return Evaluation(alert, starts_at, ends_at, alert_days, days, rows)
