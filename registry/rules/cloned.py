"""套牌嫌疑 (suspected cloned plate): pure checks over a read and the plate's other passes.

Two signs, each a finding for review (the policy's severity, never a deny on its own):
- the same plate read at another gate so far away that the time between the reads would need a speed
  no truck drives (great-circle distance between the gates' coordinates, entered once per gate);
- the plate read again and again in a colour its registration contradicts (a yellow-plate truck's
  number on a blue plate, say), `colour_contradictions` times within `colour_window_days`;
- the plate of a registered truck (`truck_classes`) read again and again on a vehicle the camera calls
  something else, a saloon or a bus (`not_truck_types`: the cameras' own words, vendor by vendor, kept
  as the policy's data because every firmware names its classes differently), `type_contradictions`
  times within `type_window_days`. Without `not_truck_types` this sign is not looked for."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import timedelta
from functools import lru_cache
from math import asin, cos, radians, sin, sqrt

from registry.rules import messages as msg
from registry.rules.facts import Place, Read, Sighting, Sightings, VehicleFacts

EARTH_KM = 6371.0088  # mean radius


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine)."""
    la1, lo1, la2, lo2 = map(radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * asin(min(1.0, sqrt(h)))


@lru_cache(maxsize=1024)  # the cameras' words are a handful, read on every truck at the gate
def body_key(vehicle_type: str) -> str:
    """A camera's vehicle type compared without case, spaces, dashes, underscores or slashes
    ("SUV/MPV", "suv_mpv" and "SUVMPV" are one word)."""
    return re.sub(r"[\s_\-/]+", "", vehicle_type).casefold()


@lru_cache(maxsize=16)
def _not_truck_keys(words: tuple[str, ...]) -> frozenset[str]:
    """The policy's words as compared, made once per list (not on every read at the gate)."""
    return frozenset(body_key(word) for word in words)


def not_a_truck(vehicle_type: str | None, params: Mapping) -> bool:
    """Whether the camera's vehicle type is one the policy lists as not a goods vehicle."""
    if not vehicle_type:
        return False
    return body_key(vehicle_type) in _not_truck_keys(tuple(params.get("not_truck_types") or ()))


def contradicts_class(vehicle_type: str | None, vehicle: VehicleFacts | None, params: Mapping) -> bool:
    """A registered truck read as something that is not a truck."""
    if vehicle is None or vehicle.vehicle_class not in (params.get("truck_classes") or ()):
        return False
    return not_a_truck(vehicle_type, params)


def cloned_plate(
    read: Read, colour: str | None, vehicle: VehicleFacts | None, sightings: Sightings, params: Mapping
) -> Iterator[tuple[tuple[str, str], int | None]]:
    """(message, the other pass's id) for each sign of a cloned plate."""
    other = sightings.elsewhere
    if other is not None and other.place is not None and sightings.here is not None:
        km = distance_km(sightings.here, other.place)
        hours = abs((read.at - other.at).total_seconds()) / 3600
        window = params.get("window_hours", 6)
        if km >= params.get("min_distance_km", 2) and hours <= window:
            speed = km / hours if hours > 0 else float("inf")
            if speed > params["max_speed_kmh"]:
                shown = speed if speed != float("inf") else km * 3600  # read within the same second
                yield msg.cloned_speed(other.gate, km, hours * 60, shown), other.pass_id
    if vehicle is not None and colour is not None and colour != vehicle.plate_color:
        count = sightings.colour_contradictions + 1  # this read included
        if count >= params.get("colour_contradictions", 3):
            yield msg.cloned_colour(count, vehicle.plate_color, colour), None
    if contradicts_class(read.vehicle_type, vehicle, params):
        count = sightings.type_contradictions + 1
        if count >= params.get("type_contradictions", 3):
            yield msg.cloned_type(count, vehicle.vehicle_class, read.vehicle_type), None


CANDIDATES = 50  # passes of one plate at other gates within a few hours: a handful; a bound all the same


def sightings_of(
    here: Place | None,
    at,
    gate_id: int,
    pass_id: int | None,
    params: Mapping,
    placed: list[tuple],
    colour_contradicts: bool,
    colour_contradictions: int,
    type_contradicts: bool,
    type_contradictions: int,
    firm_id: int | None = None,
) -> Sightings | None:
    """What the check compares a read with, from the plate's passes at gates with coordinates (`placed`:
    rows of id, plate, gate id, time, gate name, latitude, longitude, the gate's firm) and the counts of
    earlier contradicting reads; None when there is nothing to compare. Another firm's gate is not named
    (the finding is read by this gate's firm; the bureau sees the other pass beside it)."""
    if here is None and not colour_contradicts and not type_contradicts:
        return None
    elsewhere = None
    if here is not None:
        window = timedelta(hours=params.get("window_hours", 6))
        others = [row for row in placed if row[2] != gate_id and row[0] != pass_id and abs(row[3] - at) <= window]
        elsewhere = _fastest(others, here, at, firm_id)
    return Sightings(
        here,
        elsewhere,
        colour_contradictions if colour_contradicts else 0,
        type_contradictions if type_contradicts else 0,
    )


def _fastest(candidates: list[tuple], here: Place, at, firm_id: int | None) -> Sighting | None:
    """Of the plate's passes at other gates, the one that asks the highest speed; its gate's name only
    where the gate is the same firm's."""
    best, fastest = None, -1.0
    for other_id, _plate, _gate, other_at, gate_name, latitude, longitude, *firm in candidates[:CANDIDATES]:
        name = gate_name if firm and firm[0] == firm_id else None
        place = Place(latitude, longitude)
        hours = max(abs((at - other_at).total_seconds()) / 3600, 1 / 3600)
        speed = distance_km(here, place) / hours
        if speed > fastest:
            best, fastest = Sighting(other_id, name, other_at, place), speed
    return best
