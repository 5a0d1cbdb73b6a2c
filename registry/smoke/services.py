"""Recording black-smoke captures and reviewing them. A capture starts 待审核 (pending); a person confirms
or dismisses it once, with a note (required to dismiss); only a confirmed capture is evidence (a
suspected high emitter, registry.emitters). Flushes, never commits."""

from __future__ import annotations

from sqlalchemy import select

from registry.accounts.auth import own_firm_id
from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError
from registry.common.i18n import t
from registry.common.text import text_problem
from registry.common.time import utcnow
from registry.emitters import services as emitters
from registry.extensions import db
from registry.smoke.models import SmokeCapture
from registry.stations.models import RoadsideStation
from registry.stations.pictures import keep_pictures
from registry.vehicles.models import Vehicle


def record_captures(station: RoadsideStation, items: list[dict]) -> list[tuple[SmokeCapture, bool]]:
    """Store checked captures of one station (a resent one finds its row); (row, created) for each."""
    answered = []
    plates = sorted({item["plate"] for item in items if item["plate"]})
    vehicles = dict(db.session.execute(select(Vehicle.plate, Vehicle.id).where(Vehicle.plate.in_(plates))).all())
    for item in items:
        kept = db.session.scalar(
            select(SmokeCapture).where(
                SmokeCapture.station_id == station.id,
                SmokeCapture.captured_at == item["captured_at"],
                SmokeCapture.lane == (item.get("lane") or ""),
                SmokeCapture.plate == item["plate"],
            )
        )
        if kept is not None:
            answered.append((kept, False))
            continue
        capture = SmokeCapture(
            station_id=station.id, captured_at=item["captured_at"], lane=item.get("lane") or "", plate=item["plate"],
            plate_color=item.get("plate_color"), vehicle_type=item.get("vehicle_type"), grade=item["grade"],
            threshold=item["threshold"], pictures=keep_pictures(item.get("pictures") or {}),
            video_url=item.get("video_url"), status="pending", vehicle_id=vehicles.get(item["plate"]),
            received_at=utcnow(),
        )  # fmt: skip
        db.session.add(capture)
        db.session.flush()
        answered.append((capture, True))
    return answered


def review_capture(actor, capture: SmokeCapture, decision: str, note: str = "") -> SmokeCapture:
    """Confirm or dismiss a pending capture (a dismissal says why); a confirmed one is evidence at once."""
    note = (note or "").strip()
    if decision not in ("confirmed", "dismissed"):
        raise DomainError(t("请选择确认或排除", "confirm or dismiss"), "decision")
    if capture.status != "pending":
        raise Conflict(t("该抓拍已审核", "this capture has been reviewed"), "decision")
    if decision == "dismissed" and not note:
        raise DomainError(t("排除时请说明原因", "say why it is dismissed"), "note")
    problem = text_problem(note, multiline=True) if note else None
    if problem:
        raise DomainError(t(*problem), "note")
    capture.status, capture.note = decision, note or None
    capture.reviewed_by_id, capture.reviewed_at = getattr(actor, "id", None), utcnow()
    record_change(actor, decision, "smoke_capture", capture.id, before={"status": "pending"},
                  after={"status": decision, "note": note})  # fmt: skip
    db.session.flush()
    if decision == "confirmed" and capture.plate:
        emitters.reassess([capture.plate])
    return capture


def captures_query(args: dict, actor=None):
    """Captures by status (待审核 first by default: oldest first, so the queue is worked in order)."""
    status = args.get("status") or "pending"
    query = select(SmokeCapture)
    if status != "all":
        query = query.where(SmokeCapture.status == status)
    if args.get("plate"):
        query = query.where(SmokeCapture.plate == args["plate"].strip().upper())
    own = own_firm_id(actor)
    if own is not None:
        query = query.join(Vehicle, Vehicle.id == SmokeCapture.vehicle_id).where(
            Vehicle.firm_id == own, SmokeCapture.status == "confirmed"
        )
    order = SmokeCapture.captured_at.asc() if status == "pending" else SmokeCapture.captured_at.desc()
    return query.order_by(order, SmokeCapture.id)
