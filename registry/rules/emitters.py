"""疑似高排放车辆 (HIGH_EMITTER): does a truck's roadside evidence make it a suspected high emitter, and
what it rests on. By default (Beijing's practice, said to match the national method, DOMAIN.md 9): the
same pollutant over its limit in valid remote-sensing results twice within six calendar months, or one
black-smoke capture a person confirmed. Only evidence a person or a valid measurement stands behind is
given here: an invalid result, or a capture still 待审核, never counts. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

SMOKE = "smoke"


@dataclass(frozen=True)
class Exceedance:
    """One piece of evidence: a valid result over its limit for `pollutant`, or a confirmed capture."""

    kind: str  # sensing, smoke
    record_id: int
    at: datetime  # aware
    pollutant: str  # opacity, no_ppm, ... or "smoke"


@dataclass(frozen=True)
class Suspicion:
    reasons: tuple[str, ...]  # "repeat:opacity", "smoke"
    evidence: tuple[Exceedance, ...]


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall time `months` calendar months earlier (the last day of a shorter month)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return moment.replace(year=year, month=month, day=min(moment.day, days[month - 1]))


def suspected(evidence: list[Exceedance], now: datetime, params: Mapping) -> Suspicion | None:
    """The suspicion the evidence within the policy's window before `now` makes, or None."""
    since = months_before(now, params.get("window_months", 6))
    recent = sorted((e for e in evidence if since <= e.at <= now), key=lambda e: (e.at, e.record_id))
    needed = params.get("exceedances", 2)
    reasons, used = [], []
    smoke = [e for e in recent if e.kind == SMOKE]
    if params.get("black_smoke", True) and smoke:
        reasons.append(SMOKE)
        used += smoke
    sensed = [e for e in recent if e.kind != SMOKE]
    if params.get("same_pollutant", True):
        by_pollutant = defaultdict(list)
        for e in sensed:
            by_pollutant[e.pollutant].append(e)
        for pollutant, found in sorted(by_pollutant.items()):
            if len({e.record_id for e in found}) >= needed:
                reasons.append(f"repeat:{pollutant}")
                used += found
    elif len({e.record_id for e in sensed}) >= needed:
        reasons.append("repeat:any")
        used += sensed
    if not reasons:
        return None
    return Suspicion(tuple(reasons), tuple(dict.fromkeys(used)))
