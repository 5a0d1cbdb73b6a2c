"""Places on a map of the district drawn from their coordinates: an equirectangular projection around the
middle of what is drawn (exact enough over tens of kilometres), north up, with a scale bar. The
projection's figures go to the page too, so that a click on the map becomes a longitude and latitude
again (static/zones.js, drawing a zone). Pure: no Flask, no database."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

EARTH_KM_PER_DEGREE = 111.32  # along a meridian; along a parallel, times cos(latitude)
WIDTH, HEIGHT, MARGIN = 800.0, 560.0, 40.0
SCALE_STEPS_KM = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200)
DEFAULT_SPAN_KM = 10.0  # nothing placed yet: a 10 km square around the default middle


@dataclass(frozen=True)
class Projection:
    middle_longitude: float
    middle_latitude: float
    px_per_km: float
    east_km_per_degree: float

    def xy(self, longitude: float, latitude: float) -> tuple[float, float]:
        x = WIDTH / 2 + (longitude - self.middle_longitude) * self.east_km_per_degree * self.px_per_km
        y = HEIGHT / 2 - (latitude - self.middle_latitude) * EARTH_KM_PER_DEGREE * self.px_per_km
        return round(x, 1), round(y, 1)

    def points(self, corners: Sequence[Sequence[float]]) -> str:
        """An SVG polygon's points attribute for corners given as (longitude, latitude)."""
        return " ".join("{:.1f},{:.1f}".format(*self.xy(lon, lat)) for lon, lat in corners)


@dataclass(frozen=True)
class Place:
    kind: str  # firm_gate, checkpoint, remote_sensing, black_smoke
    code: str
    name: str
    longitude: float
    latitude: float
    state: str = ""  # e.g. silent, disabled


@dataclass(frozen=True)
class Drawn:
    place: Place
    x: float
    y: float


@dataclass(frozen=True)
class Area:
    id: int
    name: str
    points: str
    active: bool


@dataclass(frozen=True)
class Map:
    projection: Projection
    places: list[Drawn]
    areas: list[Area]
    width: float
    height: float
    scale_km: float
    scale_px: float


def projection_for(coordinates: list[tuple[float, float]], middle: tuple[float, float]) -> Projection:
    """The projection that fits every coordinate (longitude, latitude), or a 10 km square at `middle`."""
    if not coordinates:
        east = math.cos(math.radians(middle[1])) * EARTH_KM_PER_DEGREE
        return Projection(middle[0], middle[1], (WIDTH - 2 * MARGIN) / DEFAULT_SPAN_KM, east)
    lons, lats = [c[0] for c in coordinates], [c[1] for c in coordinates]
    mid_lon, mid_lat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    east = math.cos(math.radians(mid_lat)) * EARTH_KM_PER_DEGREE
    wide_km = max((max(lons) - min(lons)) * east, 1.0)
    high_km = max((max(lats) - min(lats)) * EARTH_KM_PER_DEGREE, 1.0)
    px_per_km = min((WIDTH - 2 * MARGIN) / wide_km, (HEIGHT - 2 * MARGIN) / high_km)
    return Projection(mid_lon, mid_lat, px_per_km, east)


def scale_bar(px_per_km: float) -> tuple[float, float]:
    """The scale bar: the longest round length (km) that fits a quarter of the map, and its pixels."""
    fits = [step for step in SCALE_STEPS_KM if step * px_per_km <= WIDTH / 4]
    scale_km = fits[-1] if fits else SCALE_STEPS_KM[0]
    return scale_km, scale_km * px_per_km


def draw(places: list[Place], zones: list[tuple[int, str, list, bool]], middle: tuple[float, float]) -> Map:
    """The map of these places and zones (id, name, polygon, active)."""
    coordinates = [(p.longitude, p.latitude) for p in places]
    coordinates += [(lon, lat) for _, _, polygon, _ in zones for lon, lat in polygon]
    projection = projection_for(coordinates, middle)
    drawn = [Drawn(p, *projection.xy(p.longitude, p.latitude)) for p in places]
    areas = [
        Area(zone_id, name, projection.points(polygon), active) for zone_id, name, polygon, active in zones if polygon
    ]
    return Map(projection, drawn, areas, WIDTH, HEIGHT, *scale_bar(projection.px_per_km))
