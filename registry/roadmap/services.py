"""What the roadside map draws: every placed gate and checkpoint, station and zone."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from registry.extensions import db
from registry.gates.models import Gate
from registry.roadmap.drawing import Map, Place, draw
from registry.stations.models import RoadsideStation
from registry.zones.models import RestrictionZone


def places() -> list[Place]:
    found = []
    gates = select(Gate).where(Gate.latitude.is_not(None), Gate.longitude.is_not(None)).order_by(Gate.kind, Gate.code)
    for gate in db.session.scalars(gates.options(joinedload(Gate.firm))):
        name = f"{gate.firm.name} · {gate.name}" if gate.firm is not None else gate.name
        kind = "checkpoint" if gate.kind == "checkpoint" else "firm_gate"
        found.append(Place(kind, gate.code, name, gate.longitude, gate.latitude,
                           "" if gate.active else "disabled"))  # fmt: skip
    placed = RoadsideStation.latitude.is_not(None), RoadsideStation.longitude.is_not(None)
    stations = select(RoadsideStation).where(*placed)
    for station in db.session.scalars(stations.order_by(RoadsideStation.code)):
        found.append(Place(station.kind, station.code, station.name, station.longitude, station.latitude,
                           "" if station.active else "disabled"))  # fmt: skip
    return found


def roadside_map(extra_zone=None) -> Map:
    """The map of everything placed (a zone being drawn, not yet saved, may be added)."""
    zones = [(z.id, z.name, z.polygon or [], z.active) for z in db.session.scalars(select(RestrictionZone))]
    if extra_zone is not None:
        zones.append(extra_zone)
    middle = current_app.config.get("MAP_MIDDLE", (112.73, 38.42))
    return draw(places(), zones, middle)
