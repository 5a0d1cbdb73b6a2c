"""A truck's day of remote emission data, summarised as its frames come, pure: each kept frame adds its
part (`part_of`), and the day's figures are read from the sum (`Figures`).

- samples, the minutes that had data (a 1,440-bit map) and the gaps between them (a hole of at least
  GAP_MINUTES between the day's first and last data);
- distance (the odometer's highest less its lowest), engine hours (samples with the engine turning);
- SCR conversion while warm: 1 - the sum of downstream NOx / the sum of upstream NOx over the samples
  whose SCR inlet is at the warm threshold of the policy (OBD_MONITORING's scr_warm_celsius);
- NOx downstream percentiles, from a histogram (NOX_EDGES) interpolated within its bucket;
- the lowest urea level, minutes with the MIL on, and the bytes of the frames as received.

A frame's samples are counted on the local day of its data unit's time (a frame across midnight is
counted whole on the first day)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime

from registry.common.time import LOCAL_TZ

NOX_EDGES = (0, 25, 50, 100, 200, 400, 800, 1600, 3200)  # ppm: bucket i holds [edge i, edge i+1)
GAP_MINUTES = 5
MINUTES = 1440


@dataclass
class DayPart:
    """What frames add to a truck's day. Sums add, lows take the lower, highs the higher."""

    samples: int = 0
    frames: int = 0
    frame_bytes: int = 0
    minutes: bytes = bytes(MINUTES // 8)
    first_at: datetime | None = None
    last_at: datetime | None = None
    odometer_low: float | None = None
    odometer_high: float | None = None
    engine_seconds: int = 0
    warm_samples: int = 0
    nox_up_warm: float = 0.0
    nox_down_warm: float = 0.0
    nox_down_histogram: list[int] = field(default_factory=lambda: [0] * (len(NOX_EDGES) - 1))
    urea_lowest: float | None = None
    mil_seconds: int = 0

    def add(self, other: DayPart) -> DayPart:
        low = lambda a, b: b if a is None else a if b is None else min(a, b)  # noqa: E731
        high = lambda a, b: b if a is None else a if b is None else max(a, b)  # noqa: E731
        return DayPart(
            self.samples + other.samples, self.frames + other.frames, self.frame_bytes + other.frame_bytes,
            bytes(a | b for a, b in zip(self.minutes, other.minutes, strict=True)),
            low(self.first_at, other.first_at), high(self.last_at, other.last_at),
            low(self.odometer_low, other.odometer_low), high(self.odometer_high, other.odometer_high),
            self.engine_seconds + other.engine_seconds, self.warm_samples + other.warm_samples,
            self.nox_up_warm + other.nox_up_warm, self.nox_down_warm + other.nox_down_warm,
            [a + b for a, b in zip(self.nox_down_histogram, other.nox_down_histogram, strict=True)],
            low(self.urea_lowest, other.urea_lowest), self.mil_seconds + other.mil_seconds,
        )  # fmt: skip

    def as_row(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def part_of(samples: list[dict], mil_on: bool | None, raw_bytes: int, warm_celsius: float) -> DayPart:
    """A frame's part of its day: its diesel samples' measurements (each with its "at"), whether its MIL
    was on, and its size as received."""
    minutes = bytearray(MINUTES // 8)
    histogram = [0] * (len(NOX_EDGES) - 1)
    part = DayPart(samples=len(samples), frames=1, frame_bytes=raw_bytes, mil_seconds=len(samples) if mil_on else 0)
    odometers, ureas = [], []
    for sample in samples:
        local = sample["at"].astimezone(LOCAL_TZ)
        minute = local.hour * 60 + local.minute
        minutes[minute // 8] |= 1 << (minute % 8)
        if sample.get("odometer") is not None:
            odometers.append(sample["odometer"])
        if sample.get("urea_level") is not None:
            ureas.append(sample["urea_level"])
        if (sample.get("engine_speed") or 0) > 0:
            part.engine_seconds += 1
        up, down = sample.get("nox_upstream"), sample.get("nox_downstream")
        if (sample.get("scr_inlet_temperature") or -300) >= warm_celsius and up is not None and down is not None:
            part.warm_samples += 1
            part.nox_up_warm += max(up, 0.0)
            part.nox_down_warm += max(down, 0.0)
            histogram[_bucket(max(down, 0.0))] += 1
    part.minutes = bytes(minutes)
    part.nox_down_histogram = histogram
    if samples:
        part.first_at, part.last_at = min(s["at"] for s in samples), max(s["at"] for s in samples)
    if odometers:
        part.odometer_low, part.odometer_high = min(odometers), max(odometers)
    part.urea_lowest = min(ureas) if ureas else None
    return part


def _bucket(value: float) -> int:
    for index in range(len(NOX_EDGES) - 2, -1, -1):
        if value >= NOX_EDGES[index]:
            return index
    return 0


@dataclass(frozen=True)
class Figures:
    """A day's figures as people read them."""

    samples: int
    minutes_with_data: int
    gaps: int
    distance_km: float | None
    engine_hours: float
    scr_efficiency: float | None
    nox_p50: float | None
    nox_p90: float | None
    urea_lowest: float | None
    mil_minutes: float
    frame_bytes: int

    @classmethod
    def of(cls, part: DayPart) -> Figures:
        bits = [bool(part.minutes[m // 8] & (1 << (m % 8))) for m in range(MINUTES)]
        distance = None
        if part.odometer_low is not None and part.odometer_high is not None:
            distance = round(part.odometer_high - part.odometer_low, 1)
        efficiency = None
        if part.warm_samples and part.nox_up_warm > 0:
            efficiency = round(1 - part.nox_down_warm / part.nox_up_warm, 4)
        return cls(
            part.samples, sum(bits), gaps(bits), distance, round(part.engine_seconds / 3600, 2), efficiency,
            percentile(part.nox_down_histogram, 0.5), percentile(part.nox_down_histogram, 0.9),
            part.urea_lowest, round(part.mil_seconds / 60, 1), part.frame_bytes,
        )  # fmt: skip


def gaps(bits: list[bool], at_least: int = GAP_MINUTES) -> int:
    """Holes of at least `at_least` minutes between the first and the last minute with data."""
    marked = [m for m, on in enumerate(bits) if on]
    if not marked:
        return 0
    found, run = 0, 0
    for on in bits[marked[0] : marked[-1] + 1]:
        if on:
            found += run >= at_least
            run = 0
        else:
            run += 1
    return found


def percentile(histogram: list[int], q: float) -> float | None:
    """The q-quantile of a histogram over NOX_EDGES, linear within its bucket."""
    total = sum(histogram)
    if not total:
        return None
    wanted, seen = q * total, 0
    for index, count in enumerate(histogram):
        if count and seen + count >= wanted:
            low, high = NOX_EDGES[index], NOX_EDGES[index + 1]
            return round(low + (high - low) * (wanted - seen) / count, 1)
        seen += count
    return float(NOX_EDGES[-1])


def day_of(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()
