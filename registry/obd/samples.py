"""A data unit's 1 Hz samples as measurements, pure: each diesel data stream with its collection time
(HJ 1239: its own; GB 17691: the data unit's time, the k-th stream k seconds after it [U: docs/obd.md]),
its values (registry.obd.protocol.values) and its position. Used when a frame is stored and when a
truck's day is drawn from its frames as received."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from registry.obd.protocol.frames import Frame, Reader
from registry.obd.protocol.units import Info, UnitError, read_unit
from registry.obd.protocol.values import DIESEL_FIELDS, measured, position

SAMPLE_SPACING = timedelta(seconds=1)


def unit_samples(unit) -> list[dict]:
    """The samples of a real-time or resend data unit, in time order."""
    streams = []
    for info in unit.infos:
        if info.type == Info.DIESEL:
            at = info.collected_at if unit.layout == "hj1239" else unit.time + len(streams) * SAMPLE_SPACING
            streams.append((at, info.body))
    samples = []
    for at, body in sorted(streams, key=lambda stream: stream[0]):
        where = position(body.positioning, body.longitude, body.latitude)
        fix = {"position_valid": where.valid, "longitude": where.longitude, "latitude": where.latitude}
        samples.append(measured(body, DIESEL_FIELDS) | {"at": at} | fix)
    return samples


def obd_info(unit):
    """The data unit's OBD information (its last), or None."""
    return next((info.body for info in reversed(unit.infos) if info.type == Info.OBD), None)


def day_samples(raws: Iterable[bytes], layout: str = "auto") -> list[dict]:
    """The samples of frames as received (a frame that cannot be read is skipped), in time order."""
    samples = []
    for raw in raws:
        for frame in Reader().feed(raw):
            if not isinstance(frame, Frame):
                continue
            try:
                unit = read_unit(frame.command, frame.data, layout)
            except UnitError:
                continue
            samples += unit_samples(unit)
    return sorted(samples, key=lambda sample: sample["at"])


def per_minute(samples: list[dict], names: tuple[str, ...]) -> list[dict]:
    """The samples averaged by minute (each name's valid values), for a chart of a day."""
    minutes: dict = {}
    for sample in samples:
        minutes.setdefault(sample["at"].replace(second=0, microsecond=0), []).append(sample)
    found = []
    for minute, group in sorted(minutes.items()):
        row = {"at": minute}
        for name in names:
            values = [s[name] for s in group if s.get(name) is not None]
            row[name] = sum(values) / len(values) if values else None
        found.append(row)
    return found
