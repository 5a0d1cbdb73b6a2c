"""Where things lie against a zone's polygon: points as (longitude, latitude) in WGS-84 degrees, close
enough to a plane over a district's tens of kilometres. Pure."""

from __future__ import annotations

from collections.abc import Sequence


def contains(polygon: Sequence[Sequence[float]], longitude: float, latitude: float) -> bool:
    """Whether the point lies inside the polygon (ray casting; a point on an edge may go either way)."""
    inside = False
    count = len(polygon)
    for index in range(count):
        x1, y1 = polygon[index][0], polygon[index][1]
        x2, y2 = polygon[(index + 1) % count][0], polygon[(index + 1) % count][1]
        if (y1 > latitude) != (y2 > latitude):
            crossing = x1 + (latitude - y1) * (x2 - x1) / (y2 - y1)
            if longitude < crossing:
                inside = not inside
    return inside


def parse_polygon(text: str) -> list[list[float]]:
    """ "lng,lat; lng,lat; ..." (or one pair a line) as the polygon's corners; ValueError saying what is
    wrong. At least three corners, each within China's longitudes and latitudes."""
    corners = []
    for part in text.replace("\n", ";").replace("；", ";").split(";"):
        part = part.strip().replace("，", ",")
        if not part:
            continue
        try:
            longitude, latitude = (float(value) for value in part.split(","))
        except ValueError:
            raise ValueError(f"“{part[:40]}”不是“经度,纬度” / '{part[:40]}' is not 'longitude,latitude'") from None
        if not (73 <= longitude <= 136 and 3 <= latitude <= 54):
            raise ValueError(f"“{part[:40]}”不在中国境内 / '{part[:40]}' is not in China")
        corners.append([round(longitude, 6), round(latitude, 6)])
    if len(corners) < 3:
        raise ValueError("区域至少需要三个顶点 / A zone needs at least three corners")
    return corners
