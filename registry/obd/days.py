"""The frames' days: on PostgreSQL obd_frames is partitioned by the local day of collection (migration
0039), a partition a day, kept OBD_RAW_DAYS days. The receiver makes the days around today when it
starts (a terminal's backlog reaches about eight days back) and `flask obd days` does it daily with the
retention: a day older than the frames are kept is dropped whole. Frames of a day not made yet sit in the
DEFAULT partition, found by every query as before; such a day cannot be made afterwards (PostgreSQL
refuses) and is reported. SQLite keeps one table: retention deletes its old rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, text
from sqlalchemy.exc import DBAPIError

from registry.common.time import LOCAL_TZ
from registry.extensions import db
from registry.obd.models import ObdFrame

log = logging.getLogger(__name__)
TABLE = "obd_frames"


def partition_name(day: date) -> str:
    return f"{TABLE}_d{day:%Y%m%d}"


def day_of_partition(name: str) -> date | None:
    suffix = name.removeprefix(f"{TABLE}_d")
    return date(int(suffix[:4]), int(suffix[4:6]), int(suffix[6:])) if len(suffix) == 8 and suffix.isdigit() else None


def bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
    following = day + timedelta(days=1)
    return start, datetime(following.year, following.month, following.day, tzinfo=LOCAL_TZ)


def _partitioned() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def days() -> list[date]:
    """The days that have partitions."""
    rows = db.session.scalars(
        text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
             "WHERE i.inhparent = CAST(:t AS regclass)"), {"t": TABLE}
    )  # fmt: skip
    return sorted(day for name in rows if (day := day_of_partition(name)))


@dataclass
class Days:
    created: list[date] = field(default_factory=list)
    skipped: list[tuple[date, str]] = field(default_factory=list)  # a day the DEFAULT partition holds
    dropped: list[date] = field(default_factory=list)
    deleted: int = 0  # SQLite, and old rows in the DEFAULT partition


def ensure(first: date, last: date) -> Days:
    """A partition for every day first..last that lacks one; flushes, never commits."""
    result = Days()
    if not _partitioned():
        return result
    have = set(days())
    day = first
    while day <= last:
        if day not in have:
            start, end = (moment.isoformat() for moment in bounds(day))
            try:
                with db.session.begin_nested():
                    db.session.execute(text(f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF {TABLE} "
                                            f"FOR VALUES FROM ('{start}') TO ('{end}')"))  # fmt: skip
                result.created.append(day)
            except DBAPIError as exc:
                reason = str(getattr(exc, "orig", exc)).splitlines()[0]
                log.warning("day %s not partitioned: %s", day, reason)
                result.skipped.append((day, reason))
        day += timedelta(days=1)
    return result


def retire(today: date, keep_days: int) -> Days:
    """Drop the frames of the days before the last `keep_days` (today included); flushes, never commits."""
    result = Days()
    oldest = today - timedelta(days=keep_days - 1)
    if _partitioned():
        for day in days():
            if day < oldest:
                db.session.execute(text(f"DROP TABLE {partition_name(day)}"))
                result.dropped.append(day)
    gone = db.session.execute(delete(ObdFrame).where(ObdFrame.collected_at < bounds(oldest)[0]))
    result.deleted = gone.rowcount or 0
    db.session.flush()
    return result


def around(today: date, behind: int = 9, ahead: int = 7) -> Days:
    """The days a terminal's backlog may reach (about eight back) and the week to come."""
    return ensure(today - timedelta(days=behind), today + timedelta(days=ahead))
