"""Is a gate silent? Pure: a gate that reported nothing for longer than the threshold during working
hours is flagged (a silent gate at night is normal; one silent at noon is probably broken or unplugged)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def parse_hours(text: str) -> tuple[time, time]:
    """ "07:00-19:00" -> (07:00, 19:00)."""
    start, _, end = text.partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def in_working_hours(moment: datetime, hours: tuple[time, time], tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz).time()
    start, end = hours
    return start <= local < end if start <= end else (local >= start or local < end)


def is_silent(
    last_pass: datetime | None, now: datetime, threshold: timedelta, hours: tuple[time, time], tz: ZoneInfo
) -> bool:
    """Flag a gate only during working hours, when its last pass is older than the threshold (or none)."""
    if not in_working_hours(now, hours, tz):
        return False
    return last_pass is None or now - last_pass > threshold
