"""The demo district's traffic as its cameras would send it: the schedule of registry.demo.traffic for the
registry's own gates and trucks, each read a camera's message with a picture of the truck and a crop of its
plate. `flask demo seed --history-hours N` records the last N hours through the gate's own pipeline; the
gate simulator (scripts/simulate_gates.py) publishes the coming hours to the broker as they happen."""

from __future__ import annotations

import base64
import hashlib
import random
from datetime import datetime

from sqlalchemy import select

from registry.alerts.models import Alert
from registry.demo import data
from registry.demo.pictures import plate_jpeg, truck_picture
from registry.demo.traffic import Place, Read, Truck, schedule
from registry.events.schemas import GateEventSchema
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.ingest.passes import Arrival
from registry.ingest.pipeline import record_plate_events
from registry.rules.plan_2021 import STAGGERED_MATRIX
from registry.vehicles.models import Vehicle

BATCH = 50


def places() -> list[Place]:
    rows = db.session.execute(
        select(Gate.code, Firm.name, Gate.latitude, Gate.longitude)
        .join(Firm)
        .where(Gate.active, Gate.latitude.is_not(None), Gate.longitude.is_not(None))
        .order_by(Gate.code)
    )
    return [Place(*row) for row in rows]


def trucks() -> list[Truck]:
    colours = dict(db.session.execute(select(Vehicle.plate, Vehicle.plate_color)).all())
    return [
        Truck(plate, colours[plate].value, home, visits, away)
        for plate, home, visits, away in data.TRUCKS
        if plate in colours
    ]


def quiet_windows(start: datetime, end: datetime) -> dict[str, list[tuple[datetime, datetime]]]:
    """When each truck stays home because an alert stops it at its firm (the plan's grade x level
    matrix): the firms comply, so the alert's evaluation shows what compliance looks like."""
    alerts = db.session.scalars(
        select(Alert).where(Alert.withdrawn_at.is_(None), Alert.starts_at < end, Alert.ends_at > start)
    ).all()
    firms = {f.name: f for f in db.session.scalars(select(Firm))}
    stages = dict(db.session.execute(select(Vehicle.plate, Vehicle.emission_stage)).all())
    quiet: dict[str, list[tuple[datetime, datetime]]] = {}
    for plate, home, *_ in data.TRUCKS:
        firm, stage = firms.get(home), stages.get(plate)
        for alert in alerts if firm else []:
            if alert.region and alert.region != firm.region:
                continue
            ban = STAGGERED_MATRIX.get(firm.performance_grade.value, {}).get(alert.level.value)
            code = getattr(stage, "value", None)
            if ban == "all" or (ban and code not in (None, "D") and code <= ban):
                quiet.setdefault(plate, []).append((alert.starts_at, alert.ended_early_at or alert.ends_at))
    return quiet


def district_schedule(start: datetime, end: datetime, speed: float = 1.0, seed: int = 2021) -> list[Read]:
    return schedule(trucks(), places(), start, end, seed, speed, quiet_windows(start, end))


def camera_message(read: Read, seed: int = 0) -> dict:
    """The read as a camera sends it (the native gate protocol): an event id, the plate and its colour, the
    direction and time, and two pictures, the truck and its plate."""
    key = f"{read.gate}|{read.plate}|{read.at.isoformat()}|{seed}"
    rng = random.Random(hashlib.sha256(key.encode()).digest())
    return {
        "event_id": "demo-" + hashlib.sha256(key.encode()).hexdigest()[:24],
        "plate": read.plate,
        "plate_color": read.colour,
        "direction": read.direction,
        "captured_at": read.at.isoformat(),
        "confidence": round(rng.uniform(0.9, 0.99), 2),
        "lane": str(rng.randint(1, 2)),
        "images": {
            # a cloned plate is on another vehicle: another cab
            "vehicle": base64.b64encode(truck_picture(read.plate, read.colour, key, body=read.anomaly)).decode(),
            "plate": base64.b64encode(plate_jpeg(read.plate, read.colour)).decode(),
        },
    }


def record_history(start: datetime, end: datetime) -> int:
    """Record the district's traffic from `start` to `end` through the gate's own pipeline, in batches,
    each committed; returns how many reads were stored."""
    gates = {g.code: g for g in db.session.scalars(select(Gate))}
    reads = district_schedule(start, end)
    schema = GateEventSchema()
    for first in range(0, len(reads), BATCH):
        batch = reads[first : first + BATCH]
        record_plate_events([Arrival(gates[r.gate], schema.load(camera_message(r)), "http") for r in batch])
        db.session.commit()
    return len(reads)
