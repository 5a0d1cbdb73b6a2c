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
from functools import lru_cache
from math import asin, cos, radians, sin, sqrt

from registry.rules import messages as msg
from registry.rules.facts import Place, Read, Sightings, VehicleFacts

EARTH_KM = 6371.0088  # mean radius


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine)."""
    la1, lo1, la2, lo2 = map(radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * asin(min(1.0, sqrt(h)))


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
