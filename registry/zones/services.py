"""Drawing and changing restriction zones, and issuing and revoking permits; each change audited.
Flushes, never commits."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from registry.audit.services import record_change
from registry.common.errors import DomainError, NotFound
from registry.common.i18n import t
from registry.common.time import today_local, utcnow
from registry.extensions import db
from registry.gates.models import Gate
from registry.identifiers.plates import is_valid_plate, normalise_plate
from registry.zones.geometry import contains
from registry.zones.models import RestrictionZone, ZonePermit

CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
SNAPSHOT = ("name", "clause", "polygon", "roads", "season_from", "season_to", "hours_from", "hours_to",
            "alert_levels", "vehicle_classes", "max_stage", "fuel_types", "origin", "local_prefixes",
            "active")  # fmt: skip


def _snapshot(zone: RestrictionZone) -> dict:
    data = {name: getattr(zone, name) for name in SNAPSHOT}
    data["effective_from"] = zone.effective_from.isoformat() if zone.effective_from else None
    data["effective_to"] = zone.effective_to.isoformat() if zone.effective_to else None
    data["checkpoints"] = [g.code for g in zone.checkpoints]
    return data


def _check_pairs(data: dict, first: str, second: str, pattern, words: tuple[str, str]) -> None:
    one, two = data.get(first), data.get(second)
    if bool(one) != bool(two):
        raise DomainError(t(f"{words[0]}的起止须同时填写", f"give both ends of the {words[1]}"), first)
    for key in (first, second):
        if data.get(key) and not pattern.match(data[key]):
            raise DomainError(t(f"{words[0]}格式不正确", f"the {words[1]} is not well formed"), key)


def checkpoints_inside(polygon) -> list[Gate]:
    """The road checkpoints the polygon contains (the zone's checkpoints, unless a person picks others)."""
    found = db.session.scalars(select(Gate).where(Gate.kind == "checkpoint", Gate.active.is_(True)))
    return [g for g in found if g.latitude is not None and contains(polygon, g.longitude, g.latitude)]


def save_zone(actor, data: dict, zone: RestrictionZone | None = None) -> RestrictionZone:
    """A zone drawn or changed with its rule; `checkpoint_ids` None: the checkpoints inside it."""
    _check_pairs(data, "season_from", "season_to", MONTH_DAY, ("季节", "season (MM-DD)"))
    _check_pairs(data, "hours_from", "hours_to", CLOCK, ("时段", "hours (HH:MM)"))
    if data.get("effective_to") and data["effective_to"] < data.get("effective_from", date.min):
        raise DomainError(t("失效日期早于生效日期", "the end is before the start"), "effective_to")
    checkpoint_ids = data.pop("checkpoint_ids", None)
    if not data.get("polygon") and not checkpoint_ids:
        raise DomainError(
            t("按道路划定的区域须选择执行卡口", "a zone named by its roads needs its checkpoints picked"), "polygon"
        )
    before = _snapshot(zone) if zone is not None else None
    if zone is None:
        zone = RestrictionZone(created_by_id=getattr(actor, "id", None))
        db.session.add(zone)
    for key, value in data.items():
        setattr(zone, key, value)
    if checkpoint_ids is None:
        zone.checkpoints = checkpoints_inside(zone.polygon)
    else:
        chosen = db.session.scalars(select(Gate).where(Gate.id.in_(checkpoint_ids), Gate.kind == "checkpoint"))
        zone.checkpoints = list(chosen)
    db.session.flush()
    record_change(actor, "update" if before else "create", "restriction_zone", zone.id, before=before,
                  after=_snapshot(zone))  # fmt: skip
    return zone


def get_zone(zone_id: int) -> RestrictionZone:
    zone = db.session.get(RestrictionZone, zone_id)
    if zone is None:
        raise NotFound(t("限行区域不存在", "no such zone"))
    return zone


def zones() -> list[RestrictionZone]:
    return list(
        db.session.scalars(select(RestrictionZone).order_by(RestrictionZone.active.desc(), RestrictionZone.name))
    )


def _next_number(kind: str, day: date) -> str:
    prefix = ("TX" if kind == "pass" else "HM") + day.strftime("%Y%m%d")  # 通行, 豁免
    count = db.session.scalar(select(func.count(ZonePermit.id)).where(ZonePermit.number.like(f"{prefix}%")))
    return f"{prefix}{count + 1:04d}"


def issue_permit(actor, data: dict) -> ZonePermit:
    """An electronic pass or exemption for one plate: a zone (None: all), a route, days and hours."""
    plate = normalise_plate(data.get("plate") or "")
    if not is_valid_plate(plate):
        raise DomainError(t("号牌格式不正确", "not a valid plate"), "plate")
    if data["valid_to"] < data["valid_from"]:
        raise DomainError(t("截止日期早于起始日期", "the last day is before the first"), "valid_to")
    _check_pairs(data, "hours_from", "hours_to", CLOCK, ("时段", "hours (HH:MM)"))
    if data.get("zone_id") is not None:
        get_zone(data["zone_id"])
    permit = ZonePermit(**{**data, "plate": plate}, number=_next_number(data.get("kind", "pass"), today_local()),
                        issued_by_id=getattr(actor, "id", None), issued_at=utcnow())  # fmt: skip
    db.session.add(permit)
    db.session.flush()
    record_change(actor, "issued", "zone_permit", permit.id, after=_permit_snapshot(permit))
    return permit


def revoke_permit(actor, permit: ZonePermit, reason: str) -> ZonePermit:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(t("请填写撤销原因", "say why it is revoked"), "reason")
    if permit.revoked_at is not None:
        raise DomainError(t("该通行证已撤销", "already revoked"), "reason")
    before = _permit_snapshot(permit)
    permit.revoked_at, permit.revoked_by_id, permit.revoke_reason = utcnow(), getattr(actor, "id", None), reason[:500]
    record_change(actor, "revoked", "zone_permit", permit.id, before=before, after=_permit_snapshot(permit))
    return permit


def _permit_snapshot(permit: ZonePermit) -> dict:
    return {
        "number": permit.number, "kind": permit.kind, "plate": permit.plate, "zone_id": permit.zone_id,
        "route": permit.route, "reason": permit.reason, "valid_from": permit.valid_from.isoformat(),
        "valid_to": permit.valid_to.isoformat(), "hours_from": permit.hours_from, "hours_to": permit.hours_to,
        "revoked": permit.revoked_at is not None, "revoke_reason": permit.revoke_reason,
    }  # fmt: skip


def get_permit(permit_id: int) -> ZonePermit:
    permit = db.session.get(ZonePermit, permit_id)
    if permit is None:
        raise NotFound(t("通行证不存在", "no such permit"))
    return permit


def permits_query(args: dict):
    query = select(ZonePermit).order_by(ZonePermit.issued_at.desc(), ZonePermit.id.desc())
    if args.get("plate"):
        query = query.where(ZonePermit.plate == normalise_plate(args["plate"]))
    status = args.get("status") or "current"
    if status == "current":
        query = query.where(ZonePermit.revoked_at.is_(None), ZonePermit.valid_to >= today_local())
    elif status == "revoked":
        query = query.where(ZonePermit.revoked_at.is_not(None))
    return query
