"""套牌嫌疑 (suspected cloned plate): pure checks over a read and the plate's other passes.

Two signs, each a finding for review (the policy's severity, never a deny on its own):
- the same plate read at another gate so far away that the time between the reads would need a speed
  no truck drives (great-circle distance between the gates' coordinates, entered once per gate);
- the plate read again and again in a colour its registration contradicts (a yellow-plate truck's
  number on a blue plate, say), `colour_contradictions` times within `colour_window_days`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from math import asin, cos, radians, sin, sqrt

from registry.rules import messages as msg
from registry.rules.facts import Place, Read, Sightings, VehicleFacts

EARTH_KM = 6371.0088  # mean radius


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine)."""
    la1, lo1, la2, lo2 = map(radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * asin(min(1.0, sqrt(h)))


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
