"""Time: stored as timezone-aware UTC, business dates are local dates in Asia/Shanghai."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

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


class UTCDateTime(TypeDecorator):
    """An aware datetime stored in UTC on every engine (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
