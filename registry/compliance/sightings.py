"""The plate's other passes that the cloned-plate check (CLONED_PLATE) compares a read with: one query
on the passes' (plate, time) index within the policy's window, made only when the policy is in force
and the gate has coordinates; another, counting colour contradictions, only when the read's colour
contradicts the registration; and one counting the passes read as a vehicle that is not a truck, only
when this read is one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select

from registry.common.statements import one_of, prebuilt
from registry.events.models import PlateEvent
from registry.extensions import db
from registry.gates.models import Gate
from registry.rules.cloned import contradicts_class, distance_km, not_a_truck
from registry.rules.facts import Place, Policy, Sighting, Sightings, VehicleFacts

CANDIDATES = 50  # passes of one plate at other gates within a few hours: a handful; a bound all the same


def place_of(gate: Gate) -> Place | None:
    if gate.latitude is None or gate.longitude is None:
        return None
    return Place(gate.latitude, gate.longitude)


def window_of(policies: list[Policy]) -> timedelta | None:
    """How far around a read the check looks, under these policies; None when none asks."""
    hours = [p.params.get("window_hours", 6) for p in policies if p.rule == "CLONED_PLATE"]
    return timedelta(hours=max(hours)) if hours else None


@prebuilt
def _placed_passes(dialect: str):
    return (
        select(
            PlateEvent.id,
            PlateEvent.plate,
            PlateEvent.gate_id,
            PlateEvent.captured_at,
            Gate.name,
            Gate.latitude,
            Gate.longitude,
        )
        .join(Gate, Gate.id == PlateEvent.gate_id)
        .where(
            one_of(PlateEvent.plate, "plates", dialect),
            PlateEvent.captured_at >= bindparam("start"),
            PlateEvent.captured_at <= bindparam("end"),
            Gate.latitude.is_not(None),
            Gate.longitude.is_not(None),
        )
    )


def passes_at_placed_gates(plates: list[str], start: datetime, end: datetime) -> list[tuple]:
    """(id, plate, gate id, time, gate name, latitude, longitude) of the plates' passes between start
    and end at gates with coordinates: one prebuilt query for a whole batch (registry.compliance.facts)."""
    return list(db.session.execute(_placed_passes(), {"plates": plates, "start": start, "end": end}))


def sightings_for(
    plate: str,
    gate: Gate,
    at: datetime,
    pass_id: int | None,
    colour: str | None,
    vehicle: VehicleFacts | None,
    policies: list[Policy],
    preloaded: list[tuple] | None = None,
    vehicle_type: str | None = None,
) -> Sightings | None:
    """What the check needs, or None when no CLONED_PLATE policy is in force (nothing is read).
    `preloaded`: the plate's passes around `at` (passes_at_placed_gates), when a batch loaded them."""
    policy = next((p for p in policies if p.rule == "CLONED_PLATE"), None)
    if policy is None or not plate:
        return None
    here = place_of(gate)
    contradicts = vehicle is not None and colour is not None and colour != vehicle.plate_color
    other_class = contradicts_class(vehicle_type, vehicle, policy.params)
    if here is None and not contradicts and not other_class:  # nothing to compare: nothing is read
        return None
    elsewhere = None
    if here is not None:
        window = timedelta(hours=policy.params.get("window_hours", 6))
        if preloaded is None:
            preloaded = passes_at_placed_gates([plate], at - window, at + window)
        candidates = [
            row for row in preloaded if row[2] != gate.id and row[0] != pass_id and abs(row[3] - at) <= window
        ]
        elsewhere = _fastest(candidates, here, at)
    contradictions = 0
    if contradicts:
        days = timedelta(days=policy.params.get("colour_window_days", 30))
        query = select(func.count()).where(
            PlateEvent.plate == plate,
            PlateEvent.captured_at >= at - days,
            PlateEvent.captured_at <= at,
            PlateEvent.plate_color.is_not(None),
            PlateEvent.plate_color != vehicle.plate_color,
        )
        if pass_id is not None:
            query = query.where(PlateEvent.id != pass_id)
        contradictions = db.session.scalar(query) or 0
    types = _not_trucks(plate, at, pass_id, policy) if other_class else 0
    return Sightings(here, elsewhere, contradictions, types)


def _not_trucks(plate: str, at: datetime, pass_id: int | None, policy: Policy) -> int:
    """Earlier passes of the plate within the policy's window that the camera called a vehicle that is
    not a truck: counted per word the cameras used (a handful), the words compared as the rule does."""
    days = timedelta(days=policy.params.get("type_window_days", 30))
    query = (
        select(PlateEvent.vehicle_type, func.count())
        .where(
            PlateEvent.plate == plate,
            PlateEvent.captured_at >= at - days,
            PlateEvent.captured_at <= at,
            PlateEvent.vehicle_type.is_not(None),
        )
        .group_by(PlateEvent.vehicle_type)
    )
    if pass_id is not None:
        query = query.where(PlateEvent.id != pass_id)
    return sum(count for word, count in db.session.execute(query) if not_a_truck(word, policy.params))


def _fastest(candidates: list[tuple], here: Place, at: datetime) -> Sighting | None:
    """Of the plate's passes at other gates, the one that asks the highest speed."""
    best, fastest = None, -1.0
    for other_id, _plate, _gate, other_at, name, latitude, longitude in candidates[:CANDIDATES]:
        place = Place(latitude, longitude)
        hours = max(abs((at - other_at).total_seconds()) / 3600, 1 / 3600)
        speed = distance_km(here, place) / hours
        if speed > fastest:
            best, fastest = Sighting(other_id, name, other_at, place), speed
    return best
