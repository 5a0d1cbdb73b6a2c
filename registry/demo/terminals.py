"""The demo district's remote emission terminals (远程排放监控): its China VI diesel trucks' terminals,
each played by registry.obd.simulation, one of each kind of trouble: a nearly empty urea tank, a lamp on
with the SCR converting poorly (a transit truck whose terminal nobody registered), a terminal silent for
days, and one that is well. `record_obd_history` stores their last hours as the receiver would;
scripts/simulate_obd.py plays them live against the receiver."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from registry.common.time import LOCAL_TZ, utcnow
from registry.demo import data
from registry.extensions import db
from registry.obd.models import ObdTerminal
from registry.obd.protocol.frames import Reader
from registry.obd.simulation import PlayedTruck, driving
from registry.obd.store import Received, store

# plate -> profile; the transit truck's terminal is not registered here (its data is kept, flagged)
PROFILES = {"晋H10001": "low_urea", "晋H10002": "normal", "晋A88888": "mil", "晋H10003": "silent"}
UNREGISTERED = {"晋A88888"}
SILENT_DAYS = 5


def played_trucks(seed: int = 0) -> list[PlayedTruck]:
    homes = {plate: home for plate, home, _, _ in data.TRUCKS}
    places = {firm: (lat, lon) for (firm, _gate), (lat, lon) in data.GATE_PLACES.items()}
    trucks = []
    for serial, (plate, _colour, _stage, _fuel, _class, _day, _owner, wmi) in enumerate(data.VEHICLES, 1):
        if plate in PROFILES:
            vin = data.vin(wmi, serial)
            layout = "hj1239" if serial % 2 else "gb17691"  # both layouts found in the field
            trucks.append(PlayedTruck(vin, places[homes[plate]], PROFILES[plate], layout, seed))
    return trucks


def record_obd_history(start: datetime, end: datetime) -> int:
    """The terminals' frames from `start` to `end` (the silent one's, days before), stored as received;
    the frames kept."""
    kept = 0
    for truck in played_trucks():
        frames, at = [], start
        if truck.profile == "silent":
            at = end - timedelta(days=SILENT_DAYS, hours=1)
            stop = at + timedelta(hours=1)
        else:
            stop = end
        while at < stop:
            if driving(at.astimezone(LOCAL_TZ)) or truck.profile == "silent":
                frames.append(Received(Reader().feed(truck.frame(at))[0], "demo", at))
            at += timedelta(seconds=10)
        for first in range(0, len(frames), 500):
            store(frames[first : first + 500], utcnow())
            db.session.commit()
        kept += len(frames)
    _register()
    return kept


def _register() -> None:
    """The bureau registered the district's own trucks' terminals."""
    for terminal in db.session.scalars(select(ObdTerminal)):
        if terminal.vehicle_id is not None and terminal.vehicle.plate not in UNREGISTERED:
            terminal.registered, terminal.registered_at = True, utcnow()
    db.session.commit()
