"""The plan's own measure, clause (15): the share of a firm's road freight moved by China VI and
new-energy trucks (清洁运输比例), per firm and month, by passes and, where weighbridge tickets are
matched, by tonnes. A pass counts when its vehicle is a registered truck of a class in the SCOPE policy
(as the gate's rules count it); the stage is the one the rules used at the pass. A firm is held to a line
when a policy in force requires China VI of it (CLEAN_TRANSPORT for power and coking firms in the planning
area, FREIGHT_STAGE above its tonnage): such a firm under 100 % comes first.

A closed month is read as the daily job kept it (`flask statistics clean-transport`, which counts the
last closed months again for the tickets matched late); the current month, or one not kept yet, is
counted from its passes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, delete, func, insert, select

from registry.common.time import local_day_bounds, today_local, utcnow
from registry.events.models import PlateEvent, Verdict
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.policies.services import policies_in_force
from registry.rules.engine import DEFAULT_SCOPE
from registry.statistics.models import MonthlyCleanTransport
from registry.vehicles.models import Vehicle, VehicleClass
from registry.weighbridge.models import WeighTicket

CLEAN = ("6", "D")  # China VI, new energy


@dataclass
class FirmShare:
    firm_id: int
    firm: str
    passes: int
    clean_passes: int
    tonnes: float
    clean_tonnes: float
    required: str | None  # the rule that requires China VI of the firm (its code), or None

    @property
    def share(self) -> float | None:
        return self.clean_passes / self.passes if self.passes else None

    @property
    def tonnes_share(self) -> float | None:
        return self.clean_tonnes / self.tonnes if self.tonnes else None

    @property
    def under_line(self) -> bool:
        return self.required is not None and self.share is not None and self.share < 1


def months_back(month: date, count: int) -> list[date]:
    """The first days of `count` months ending with `month`'s, newest first (calendar months: stepping back
    31 days from the 1st skips a month after a 30-day one)."""
    index = month.year * 12 + month.month - 1
    return [date((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(count)]


def month_bounds(month: date) -> tuple:
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return local_day_bounds(first)[0], local_day_bounds(following)[0]


def _requirement(firm, policies) -> str | None:
    """The rule in force that requires China VI (or new energy) of the firm, if one does."""
    industry = getattr(firm.industry, "value", firm.industry)
    for policy in policies:
        params = policy.params
        if params.get("min_stage", "6") != "6":
            continue
        planned = firm.in_planning_area or not params.get("planning_area_only", True)
        if policy.rule == "CLEAN_TRANSPORT" and industry in params.get("industries", []) and planned:
            return "CLEAN_TRANSPORT"
        if policy.rule == "FREIGHT_STAGE" and firm.annual_freight_tonnes >= params.get("threshold_tonnes", 10**12):
            return "FREIGHT_STAGE"
    return None


def _scope_and_policies(month: date) -> tuple[list, list[VehicleClass]]:
    policies = policies_in_force(month.replace(day=1))
    scope = next((p.params for p in policies if p.rule == "SCOPE"), DEFAULT_SCOPE)
    classes = [VehicleClass(c) for c in scope.get("vehicle_classes", []) if c in VehicleClass._value2member_map_]
    return policies, classes


def _counted(month: date, classes: list[VehicleClass]) -> dict[int, tuple]:
    """Each firm's passes, clean passes, tonnes and clean tonnes in the month, counted from the passes."""
    start, end = month_bounds(month)
    clean = Verdict.emission_stage.in_(CLEAN)
    tonnes = func.coalesce(WeighTicket.net_t, 0)
    query = (
        select(
            Gate.firm_id,
            func.count(),
            func.sum(case((clean, 1), else_=0)),
            func.sum(tonnes),
            func.sum(case((clean, tonnes), else_=0)),
        )
        .select_from(PlateEvent)
        .join(Gate, Gate.id == PlateEvent.gate_id)
        .join(Vehicle, Vehicle.id == PlateEvent.vehicle_id)
        # on the pass id alone, each table bounded by the month (registry.events.months: a bulk join)
        .join(Verdict, Verdict.plate_event_id == PlateEvent.id)
        .outerjoin(WeighTicket, (WeighTicket.pass_id == PlateEvent.id) & (WeighTicket.firm_id == Gate.firm_id))
        .where(PlateEvent.captured_at >= start, PlateEvent.captured_at < end)
        .where(Verdict.pass_at >= start, Verdict.pass_at < end, Vehicle.vehicle_class.in_(classes))
        .group_by(Gate.firm_id)
    )
    return {
        firm_id: (int(n), int(c or 0), float(t or 0), float(ct or 0))
        for firm_id, n, c, t, ct in db.session.execute(query)
    }


def _kept(month: date) -> dict[int, tuple] | None:
    """A closed month's counts as the daily job kept them, or None if it has not counted the month."""
    if month >= today_local().replace(day=1):
        return None  # the current month is always counted from its passes
    kept = MonthlyCleanTransport
    rows = db.session.execute(
        select(kept.firm_id, kept.passes, kept.clean_passes, kept.tonnes, kept.clean_tonnes).where(
            kept.month == month.replace(day=1)
        )
    ).all()
    return {firm_id: tuple(counts) for firm_id, *counts in rows} if rows else None


def _firms_with_gates():
    return db.session.scalars(select(Firm).where(Firm.id.in_(select(Gate.firm_id))).order_by(Firm.name)).all()


def clean_shares(month: date) -> list[FirmShare]:
    """Every firm with gates: its trucks' passes and tonnes in the month, and the clean ones (a closed
    month as the daily job kept it, when it has)."""
    policies, classes = _scope_and_policies(month)
    counted = _kept(month)
    if counted is None:
        counted = _counted(month, classes)
    shares = []
    for firm in _firms_with_gates():
        passes, clean_passes, all_tonnes, clean_tonnes = counted.get(firm.id, (0, 0, 0.0, 0.0))
        shares.append(FirmShare(firm.id, firm.name, passes, clean_passes, all_tonnes, clean_tonnes,
                                _requirement(firm, policies)))  # fmt: skip
    # the firms under the plan's line first, the lowest share first
    shares.sort(key=lambda s: (not s.under_line, s.share if s.share is not None else 2, s.firm))
    return shares


def count_closed_months(months: list[date]) -> int:
    """Count each closed month of `months` (never the current one) from its passes and keep it, replacing
    what was kept: a row for every firm with gates, zeros too. Flushes; the caller commits. The rows kept."""
    this_month = today_local().replace(day=1)
    firms = [firm.id for firm in _firms_with_gates()]
    now = utcnow()
    kept = 0
    for month in sorted({m.replace(day=1) for m in months if m.replace(day=1) < this_month}):
        counted = _counted(month, _scope_and_policies(month)[1])
        db.session.execute(delete(MonthlyCleanTransport).where(MonthlyCleanTransport.month == month))
        rows = [
            dict(zip(("passes", "clean_passes", "tonnes", "clean_tonnes"), counted.get(firm_id, (0, 0, 0.0, 0.0)),
                     strict=True), month=month, firm_id=firm_id, counted_at=now)
            for firm_id in firms
        ]  # fmt: skip
        if rows:
            db.session.execute(insert(MonthlyCleanTransport), rows)
        kept += len(rows)
    db.session.flush()
    return kept


def by_month(firms: list[FirmShare], months: list[tuple[date, list[FirmShare]]]) -> list[tuple[FirmShare, list]]:
    """Each firm (in `firms`' order) with its share by passes in each of `months` (None: no truck passed)."""
    shares = [{s.firm_id: s.share for s in month_shares} for _, month_shares in months]
    return [(firm, [month.get(firm.firm_id) for month in shares]) for firm in firms]
