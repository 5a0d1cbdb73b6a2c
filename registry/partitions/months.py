"""Months as partitions: their names and bounds. Pure: no database, no Flask.

A month is the local calendar month (Asia/Shanghai), the unit of the ledger and of retention; its
partition holds the passes captured from its first local midnight up to the next month's."""

from datetime import date, datetime

from registry.common.time import LOCAL_TZ


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    year, index = divmod(month.year * 12 + month.month - 1 + months, 12)
    return date(year, index + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from first's to last's, inclusive."""
    months, month = [], month_of(first)
    while month <= month_of(last):
        months.append(month)
        month = add_months(month, 1)
    return months


def bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, aware (local time)."""
    start = datetime(month.year, month.month, 1, tzinfo=LOCAL_TZ)
    following = add_months(month, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=LOCAL_TZ)


def partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def month_of_partition(table: str, name: str) -> date | None:
    """The month a partition of `table` holds, from its name (None: not a month's, e.g. the default)."""
    suffix = name.removeprefix(f"{table}_")
    if len(suffix) != 8 or suffix[0] != "y" or suffix[5] != "m" or not (suffix[1:5] + suffix[6:]).isdigit():
        return None
    return date(int(suffix[1:5]), int(suffix[6:8]), 1)
