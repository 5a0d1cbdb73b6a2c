"""Time: moments are aware UTC; business dates are local dates in Asia/Shanghai. Pure: no database."""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_local() -> date:
    """Today's date in China Standard Time."""
    return utcnow().astimezone(LOCAL_TZ).date()


def local_date(moment: datetime) -> date:
    """The local (China Standard Time) calendar date of an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a moment needs a UTC offset")
    return moment.astimezone(LOCAL_TZ).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start (inclusive) and end (exclusive) of a local calendar day."""
    start = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
    end = datetime.fromordinal(day.toordinal() + 1).replace(tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


_SPREADSHEET_MOMENT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T\s]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(\.\d+)?秒?)?)?$"
)


def spreadsheet_moment(text: str) -> datetime | None:
    """A time as Chinese Excel and WPS write it in a CSV (2026/12/3 16:24, 2026-12-03 16:24:05, 2026年12月3日
    16:24, or a date alone), or ISO 8601; an offset when it has one, else China Standard Time. None when it is
    none of these."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        found = _SPREADSHEET_MOMENT.match(text)
        if found is None:
            return None
        year, month, day, hour, minute, second, fraction = found.groups()
        try:
            moment = datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                round(float(fraction) * 1_000_000) if fraction else 0,
            )  # fmt: skip
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def with_local_offset(value: str) -> str:
    """A local wall-clock time from a form (2026-11-28T09:30) as ISO 8601 with the local offset;
    a value that already has an offset, or is not a time, is returned unchanged for validation."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.isoformat() if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ).isoformat()


def local_input(moment: datetime) -> str:
    """An aware moment as a form's datetime-local value (local wall-clock time, to the minute)."""
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def local_minute(moment: datetime) -> str:
    """An aware moment as people read it in a message: local time to the minute."""
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
