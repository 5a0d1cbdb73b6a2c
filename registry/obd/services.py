"""Terminals registered, alarms and a truck's day, as people ask for them. A firm user sees only its own
trucks' terminals and data (trucks it registered); the bureau and the police see every one. Services
take the actor and never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, select

from registry.accounts.auth import own_firm_id
from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError
from registry.common.i18n import t
from registry.common.services import not_found
from registry.common.time import local_date, today_local, utcnow
from registry.extensions import db
from registry.firms.models import Firm
from registry.identifiers.vin import normalise_vin, vin_problems
from registry.obd.days import bounds
from registry.obd.models import ObdAlarm, ObdDay, ObdFrame, ObdTerminal
from registry.obd.protocol.packing import unpack
from registry.obd.samples import day_samples
from registry.obd.summary import DayPart, Figures
from registry.vehicles.models import Vehicle


def _own(query: Select, actor) -> Select:
    own = own_firm_id(actor)
    return query.where(Vehicle.firm_id == own) if own is not None else query


def terminals_query(actor, args: dict) -> Select:
    """Terminals with their trucks, the newest first; `registered` True/False, `vin` or `plate` to find."""
    query = select(ObdTerminal).outerjoin(Vehicle, Vehicle.id == ObdTerminal.vehicle_id)
    query = _own(query, actor)
    if args.get("registered") is not None:
        query = query.where(ObdTerminal.registered.is_(args["registered"]))
    if args.get("vin"):
        query = query.where(ObdTerminal.vin == normalise_vin(args["vin"]))
    if args.get("plate"):
        query = query.where(Vehicle.plate == args["plate"].strip().upper())
    return query.order_by(ObdTerminal.id.desc())


def register_terminal(actor, vin_text: str) -> ObdTerminal:
    """Register a truck's terminal by its VIN: the bureau any registered truck's, a firm its own trucks'."""
    vin = normalise_vin(vin_text or "")
    problems = vin_problems(vin)
    if problems:
        raise DomainError(t(f"车辆识别代号无效：{problems[0]}", f"invalid VIN: {problems[1]}"), "vin")
    vehicle = db.session.scalar(select(Vehicle).where(Vehicle.vin == vin))
    own = own_firm_id(actor)
    if vehicle is None or (own is not None and vehicle.firm_id != own):
        raise DomainError(
            t(
                "未找到该车辆识别代号的本单位登记车辆：请先登记车辆",
                "no registered truck of yours has this VIN: register it first",
            ),
            "vin",
        )
    terminal = db.session.scalar(select(ObdTerminal).where(ObdTerminal.vin == vin))
    if terminal is None:
        terminal = ObdTerminal(vin=vin)
        db.session.add(terminal)
    before = {"registered": bool(terminal.registered), "vehicle_id": terminal.vehicle_id}
    terminal.registered, terminal.vehicle_id = True, vehicle.id
    terminal.registered_by_id, terminal.registered_at = getattr(actor, "id", None), utcnow()
    db.session.flush()
    record_change(actor, "register_terminal", "obd_terminal", terminal.id, before=before,
                  after={"registered": True, "vehicle_id": vehicle.id, "vin": vin})  # fmt: skip
    return terminal


def alarms_query(actor, args: dict) -> Select:
    """Alarms with their truck and its firm, newest first; open ones unless `status` says all or closed."""
    query = (
        select(ObdAlarm)
        .outerjoin(ObdTerminal, ObdTerminal.vin == ObdAlarm.vin)
        .outerjoin(Vehicle, Vehicle.id == ObdTerminal.vehicle_id)
    )
    query = _own(query, actor)
    status = args.get("status") or "open"
    if status == "open":
        query = query.where(ObdAlarm.closed_at.is_(None))
    elif status == "closed":
        query = query.where(ObdAlarm.closed_at.is_not(None))
    if args.get("kind"):
        query = query.where(ObdAlarm.kind == args["kind"])
    if args.get("firm_id"):
        query = query.where(Vehicle.firm_id == args["firm_id"])
    if args.get("fleet"):
        query = query.where(Vehicle.owner.contains(args["fleet"].strip(), autoescape=True))
    if args.get("plate"):
        query = query.where(Vehicle.plate == args["plate"].strip().upper())
    return query.order_by(ObdAlarm.opened_at.desc(), ObdAlarm.id.desc())


def close_alarm(actor, alarm_id: int, note: str) -> ObdAlarm:
    """A person closes an alarm the data cannot clear (a removal) or that was checked on the truck: with
    what was checked, audited. The bureau only."""
    alarm = db.session.get(ObdAlarm, alarm_id)
    if alarm is None:
        raise not_found("报警", "alarm")
    if alarm.closed_at is not None:
        raise Conflict(t("该报警已消除", "the alarm is already cleared"), "alarm")
    note = (note or "").strip()
    if not note:
        raise DomainError(t("请写明核查情况", "say what was checked"), "note")
    alarm.closed_at = utcnow()
    alarm.detail = {**(alarm.detail or {}), "closed_by": getattr(actor, "username", None), "note": note[:500]}
    db.session.flush()
    record_change(actor, "close_alarm", "obd_alarm", alarm.id, after={"kind": alarm.kind, "note": note[:500]})
    return alarm


def trucks_of(vins: set[str]) -> dict[str, tuple[Vehicle, Firm | None]]:
    """The registered trucks (and their firms) of these terminals' VINs, for a page of alarms."""
    if not vins:
        return {}
    rows = db.session.execute(
        select(ObdTerminal.vin, Vehicle, Firm)
        .join(Vehicle, Vehicle.id == ObdTerminal.vehicle_id)
        .outerjoin(Firm, Firm.id == Vehicle.firm_id)
        .where(ObdTerminal.vin.in_(vins))
    )
    return {vin: (vehicle, firm) for vin, vehicle, firm in rows}


def may_see(actor, vehicle: Vehicle) -> bool:
    own = own_firm_id(actor)
    return own is None or vehicle.firm_id == own


def silent_days() -> int:
    """The OBD_MONITORING policy's days after which a terminal is silent."""
    from registry.policies.services import policy_in_force

    policy = policy_in_force("OBD_MONITORING", today_local())
    return int(policy.params.get("silent_days", 3)) if policy else 3


def silent_terminals(actor, days: int, limit: int = 100) -> list[tuple[ObdTerminal, Vehicle | None]]:
    """Terminals whose newest data is older than `days`, the longest silent first."""
    since = utcnow() - timedelta(days=days)
    query = _own(
        select(ObdTerminal, Vehicle)
        .outerjoin(Vehicle, Vehicle.id == ObdTerminal.vehicle_id)
        .where(ObdTerminal.last_collected_at < since),
        actor,
    )
    return list(db.session.execute(query.order_by(ObdTerminal.last_collected_at).limit(limit)).tuples())


def open_alarm_counts(actor) -> dict[str, int]:
    query = _own(
        select(ObdAlarm.kind, func.count())
        .outerjoin(ObdTerminal, ObdTerminal.vin == ObdAlarm.vin)
        .outerjoin(Vehicle, Vehicle.id == ObdTerminal.vehicle_id)
        .where(ObdAlarm.closed_at.is_(None)),
        actor,
    ).group_by(ObdAlarm.kind)
    return dict(db.session.execute(query).all())


def terminal_of(vehicle: Vehicle) -> ObdTerminal | None:
    if not vehicle.vin:
        return None
    return db.session.scalar(select(ObdTerminal).where(ObdTerminal.vin == vehicle.vin))


def open_alarms_of(vin: str) -> list[ObdAlarm]:
    query = select(ObdAlarm).where(ObdAlarm.vin == vin, ObdAlarm.closed_at.is_(None))
    return list(db.session.scalars(query.order_by(ObdAlarm.opened_at)))


@dataclass
class TruckDay:
    day: date
    figures: Figures | None
    samples: list[dict]  # each sample's measurements with its "at", in time order
    days: list[date]  # the truck's days with data, newest first (for a picker)


def truck_day(terminal: ObdTerminal, day: date | None, layout: str = "auto") -> TruckDay:
    """A truck's day (by default its newest data's): its summary and its samples, decoded from the frames
    as received."""
    if day is None:
        day = local_date(terminal.last_collected_at) if terminal.last_collected_at else today_local()
    vin = terminal.vin
    row = db.session.get(ObdDay, (vin, day))
    figures = Figures.of(DayPart(**{name: getattr(row, name) for name in DayPart().as_row()})) if row else None
    start, end = bounds(day)
    raws = db.session.scalars(
        select(ObdFrame.raw)
        .where(
            ObdFrame.vin == vin, ObdFrame.kind == "data", ObdFrame.collected_at >= start, ObdFrame.collected_at < end
        )
        .order_by(ObdFrame.collected_at, ObdFrame.serial)
    )
    days = list(db.session.scalars(select(ObdDay.day).where(ObdDay.vin == vin).order_by(ObdDay.day.desc()).limit(60)))
    return TruckDay(day, figures, day_samples(map(unpack, raws), layout), days)
