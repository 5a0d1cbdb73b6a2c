"""A truck's day drawn as plain SVG, pure: a chart per measurement over the day's hours, and the track
on an equirectangular drawing of its own extent (no map service: DOMAIN.md, no tiles reach the
district's network)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from registry.common.time import LOCAL_TZ


@dataclass(frozen=True)
class Chart:
    name: str
    lines: dict[str, str]  # series -> SVG points
    low: float
    high: float
    width: int
    height: int


def _minute(moment: datetime) -> int:
    local = moment.astimezone(LOCAL_TZ)
    return local.hour * 60 + local.minute


def chart(rows: list[dict], name: str, series: tuple[str, ...], width: int = 720, height: int = 120) -> Chart | None:
    """A chart of `series` over the day (x: the minute of the local day), all on one scale."""
    values = [row[s] for row in rows for s in series if row.get(s) is not None]
    if not values:
        return None
    low, high = min(0.0, min(values)), max(values)
    span = high - low or 1.0
    lines = {}
    for s in series:
        points = [f"{_minute(row['at']) * width / 1440:.1f},{height - (row[s] - low) * height / span:.1f}"
                  for row in rows if row.get(s) is not None]  # fmt: skip
        if points:
            lines[s] = " ".join(points)
    return Chart(name, lines, round(low, 1), round(high, 1), width, height)


@dataclass(frozen=True)
class Track:
    points: str
    start: tuple[float, float]
    end: tuple[float, float]
    width: int
    height: int
    extent_km: float


def track(samples: list[dict], size: int = 360) -> Track | None:
    """The day's valid positions drawn to fit a square of `size`, north up."""
    fixes = [(s["longitude"], s["latitude"]) for s in samples if s.get("position_valid")]
    if len(fixes) < 2:
        return None
    lons, lats = [lon for lon, _ in fixes], [lat for _, lat in fixes]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    span = max((east - west) * scale_x, north - south) or 1e-6
    pad = 10

    def at(lon: float, lat: float) -> tuple[float, float]:
        x = pad + (lon - west) * scale_x / span * (size - 2 * pad)
        y = size - pad - (lat - south) / span * (size - 2 * pad)
        return round(x, 1), round(y, 1)

    drawn = [at(lon, lat) for lon, lat in fixes]
    return Track(" ".join(f"{x},{y}" for x, y in drawn), drawn[0], drawn[-1], size, size, round(span * 111.32, 1))
