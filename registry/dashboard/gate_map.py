"""The gates on a map drawn from their own coordinates, without an online tile service (a bureau's network
often reaches none): each gate a point placed by an equirectangular projection around the district's
middle (exact enough over a district's tens of kilometres), with a scale bar in kilometres. Pure: no
Flask, no database; the page draws the SVG from what this returns."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_KM_PER_DEGREE = 111.32  # along a meridian; along a parallel, times cos(latitude)
WIDTH, HEIGHT, MARGIN = 800.0, 560.0, 40.0
SCALE_STEPS_KM = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200)


@dataclass(frozen=True)
class MapGate:
    code: str
    name: str
    firm: str
    latitude: float
    longitude: float
    state: str  # working, silent, disabled


@dataclass(frozen=True)
class Point:
    gate: MapGate
    x: float
    y: float


@dataclass(frozen=True)
class GateMap:
    points: list[Point]
    width: float
    height: float
    scale_km: float  # the scale bar's length in km
    scale_px: float  # and on the map
    missing: int  # gates without coordinates (not drawn)


def draw(gates: list[MapGate], without_place: int = 0) -> GateMap | None:
    """Where each gate goes on a WIDTH × HEIGHT map (north up), or None when no gate has a place."""
    if not gates:
        return None
    middle_lat = (max(g.latitude for g in gates) + min(g.latitude for g in gates)) / 2
    east = math.cos(math.radians(middle_lat)) * EARTH_KM_PER_DEGREE
    xs = [g.longitude * east for g in gates]
    ys = [g.latitude * EARTH_KM_PER_DEGREE for g in gates]
    span_km = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)  # one gate, or gates at one place: 1 km across
    px_per_km = min((WIDTH - 2 * MARGIN) / max(max(xs) - min(xs), span_km / 10),
                    (HEIGHT - 2 * MARGIN) / max(max(ys) - min(ys), span_km / 10))  # fmt: skip
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    points = [
        Point(g, WIDTH / 2 + (x - mid_x) * px_per_km, HEIGHT / 2 - (y - mid_y) * px_per_km)
        for g, x, y in zip(gates, xs, ys, strict=True)
    ]
    fits = [step for step in SCALE_STEPS_KM if step * px_per_km <= WIDTH / 4]
    scale_km = fits[-1] if fits else SCALE_STEPS_KM[0]
    return GateMap(points, WIDTH, HEIGHT, scale_km, scale_km * px_per_km, without_place)
