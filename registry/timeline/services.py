"""A truck's records of every kind since a day, newest first, as plain entries for its page: each kind
read by the plate's (or the VIN's) own time index, a page's worth of each, merged by time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from registry.common.time import LOCAL_TZ
from registry.emitters.models import HighEmitter
from registry.events.models import PlateEvent, Verdict
from registry.extensions import db
from registry.gates.models import Gate
from registry.obd.models import ObdDay
from registry.sensing.models import SensingResult
from registry.smoke.models import SmokeCapture
from registry.vehicles.models import Vehicle

PASS_COLUMNS = (PlateEvent.id, PlateEvent.captured_at, PlateEvent.direction, Gate.kind, Gate.name, Gate.code,
                Verdict.decision)  # fmt: skip
DAYS = 90
EACH = 50  # the newest of each kind


@dataclass(frozen=True)
class Entry:
    kind: str  # firm_gate, checkpoint, sensing, smoke, obd, emitter
    at: datetime
    record: object  # the row (or a tuple of columns) the page shows


def story(vehicle: Vehicle, since: datetime | None = None, each: int = EACH) -> list[Entry]:
    """The truck's entries since `since` (90 days by default), newest first."""
    since = since or datetime.now(LOCAL_TZ) - timedelta(days=DAYS)
    plate = vehicle.plate
    entries = []
    passes = (
        select(*PASS_COLUMNS)
        .join(Gate, Gate.id == PlateEvent.gate_id)
        .outerjoin(Verdict, (Verdict.plate_event_id == PlateEvent.id) & (Verdict.pass_at == PlateEvent.captured_at))
        .where(PlateEvent.plate == plate, PlateEvent.captured_at >= since)
        .order_by(PlateEvent.captured_at.desc(), PlateEvent.id.desc())
        .limit(each)
    )
    entries += [
        Entry("checkpoint" if row.kind == "checkpoint" else "firm_gate", row.captured_at, row)
        for row in db.session.execute(passes)
    ]
    results = (
        select(SensingResult)
        .where(SensingResult.plate == plate, SensingResult.measured_at >= since)
        .order_by(SensingResult.measured_at.desc())
        .limit(each)
    )
    entries += [Entry("sensing", r.measured_at, r) for r in db.session.scalars(results)]
    captures = (
        select(SmokeCapture)
        .where(SmokeCapture.plate == plate, SmokeCapture.captured_at >= since)
        .order_by(SmokeCapture.captured_at.desc())
        .limit(each)
    )
    entries += [Entry("smoke", c.captured_at, c) for c in db.session.scalars(captures)]
    if vehicle.vin:
        days = (
            select(ObdDay)
            .where(ObdDay.vin == vehicle.vin, ObdDay.day >= since.astimezone(LOCAL_TZ).date())
            .order_by(ObdDay.day.desc())
            .limit(each)
        )
        for day in db.session.scalars(days):
            at = day.last_at or datetime.combine(day.day, time(23, 59), LOCAL_TZ)
            entries.append(Entry("obd", at, day))
    listings = select(HighEmitter).where(HighEmitter.plate == plate).order_by(HighEmitter.listed_at.desc()).limit(5)
    entries += [Entry("emitter", e.listed_at, e) for e in db.session.scalars(listings) if e.listed_at >= since]
    return sorted(entries, key=lambda e: e.at, reverse=True)
