"""遥感监测 judgement (REMOTE_SENSING): is one remote-sensing result valid under the bureau's conditions,
and which pollutants are over their limits for its fuel. HJ 845-2017's own conditions and limits were not
available here (DOMAIN.md 9): every figure is the policy's, and one left None is not checked. An invalid
result is kept with its reasons and never counts as an exceedance. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_FUEL = "diesel"  # HJ 845 is the diesel method: a result whose fuel nobody knows is judged as diesel
# (condition, the measurement's field, the policy's key, too low or too high)
CONDITIONS = (
    ("speed_low", "speed_kmh", "min_speed_kmh", min),
    ("speed_high", "speed_kmh", "max_speed_kmh", max),
    ("acceleration_low", "acceleration", "min_acceleration", min),
    ("acceleration_high", "acceleration", "max_acceleration", max),
    ("wind_high", "wind_speed", "max_wind_speed", max),
    ("temperature_low", "temperature", "min_temperature", min),
    ("temperature_high", "temperature", "max_temperature", max),
    ("humidity_high", "humidity", "max_humidity", max),
)
POLLUTANTS = ("opacity", "ringelmann", "no_ppm", "hc_ppm", "co_percent")


@dataclass(frozen=True)
class Measurement:
    """What a station measured of one passing vehicle (None: not sent)."""

    plate: str
    fuel: str | None = None
    station_valid: bool | None = None
    speed_kmh: float | None = None
    acceleration: float | None = None
    wind_speed: float | None = None
    temperature: float | None = None
    humidity: float | None = None
    opacity: float | None = None
    no_ppm: float | None = None
    hc_ppm: float | None = None
    co_percent: float | None = None
    ringelmann: int | None = None


@dataclass(frozen=True)
class Judgement:
    valid: bool
    reasons: tuple[str, ...]  # why invalid (registry.labels "sensing_reason")
    exceeded: tuple[str, ...]  # the pollutants over their limits (only when valid)
    judged: Mapping[str, tuple[float, float]]  # pollutant -> (value, limit), each one checked


def judge(measurement: Measurement, params: Mapping | None) -> Judgement:
    """The result's validity and exceedances under the policy's parameters (None: no policy in force)."""
    if params is None:
        return Judgement(False, ("no_policy",), (), {})
    reasons = []
    if not measurement.plate:
        reasons.append("no_plate")
    if params.get("require_station_valid", True) and measurement.station_valid is False:
        reasons.append("station_invalid")
    for reason, field, key, side in CONDITIONS:
        value, bound = getattr(measurement, field), params.get(key)
        if value is None or bound is None:
            continue
        if (side is min and value < bound) or (side is max and value > bound):
            reasons.append(reason)
    limits = (params.get("limits") or {}).get(measurement.fuel or DEFAULT_FUEL) or {}
    judged = {}
    for pollutant in POLLUTANTS:
        value, limit = getattr(measurement, pollutant), limits.get(pollutant)
        if value is not None and limit is not None:
            judged[pollutant] = (value, limit)
    valid = not reasons
    exceeded = tuple(p for p, (value, limit) in judged.items() if value > limit) if valid else ()
    return Judgement(valid, tuple(reasons), exceeded, judged)
