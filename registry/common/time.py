"""Time: moments are aware UTC; business dates are local dates in Asia/Shanghai. Pure: no database."""

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


def with_local_offset(value: str) -> str:
    """A local wall-clock time from a form (2026-11-28T09:30) as ISO 8601 with the local offset;
    a value that already has an offset, or is not a time, is returned unchanged for validation."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.isoformat() if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ).isoformat()
