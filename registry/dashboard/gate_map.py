"""The gates on a map drawn from their own coordinates, without an online tile service (a bureau's network
often reaches none): each gate a point placed by an equirectangular projection around the district's
middle (exact enough over a district's tens of kilometres), with a scale bar in kilometres: the roadside
map's projection (registry.roadmap.drawing). Pure: no Flask, no database; the page draws the SVG from
what this returns."""

from __future__ import annotations

from dataclasses import dataclass

from registry.roadmap.drawing import HEIGHT, WIDTH, projection_for, scale_bar


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
    projection = projection_for([(g.longitude, g.latitude) for g in gates], (gates[0].longitude, gates[0].latitude))
    points = [Point(g, *projection.xy(g.longitude, g.latitude)) for g in gates]
    return GateMap(points, WIDTH, HEIGHT, *scale_bar(projection.px_per_km), without_place)
