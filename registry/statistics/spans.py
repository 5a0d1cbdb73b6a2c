"""Whether a search can find any violation, from the daily counts, before any list is walked.

A search that combines filters (a rule and an alert level, a firm and a rule) walks one filter's index
and tests the others on each entry: when the combination has no row at all, the walk goes to the index's
end (600,000 entries for none, at a city's volume). The daily counts know, per day, gate, firm, rule and
alert level, whether there are violations: a search whose days hold none is answered at once.

The counts hold every violation, whoever raised it (the gate's batch, an inspection, a picture's text;
registry.statistics.counting, registry.cases.raising), so a count of none is never wrong; a count that
is too high only costs the walk."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from registry.common.time import local_date
from registry.extensions import db
from registry.statistics.models import DailyViolations

# a search's filters the daily violation counts carry: (argument, column)
COUNTED = {"rule": "rule", "alert_level": "alert_level", "gate_id": "gate_id", "firm_ids": "firm_id"}


def violations_counted(filters: dict, start: datetime | None, end: datetime | None) -> bool:
    """Whether the daily counts hold a violation matching `filters` (rule, alert_level, gate_id, firm_ids:
    a list) on a local day of [start, end): one probe of the index of one of the filters."""
    query = select(DailyViolations.day).where(DailyViolations.violations > 0)
    for key, column in COUNTED.items():
        value = filters.get(key)
        if value is None:
            continue
        column = getattr(DailyViolations, column)
        query = query.where(column.in_(value) if isinstance(value, list | tuple) else column == value)
    if start is not None:
        query = query.where(DailyViolations.day >= local_date(start))
    if end is not None:
        query = query.where(DailyViolations.day <= local_date(end))
    # in the order of the index of the most selective filter given, so that the probe reads that index:
    # asked for one row, the planner would rather scan the table, as if the filters were independent
    return db.session.scalar(query.order_by(*_index_order(filters)).limit(1)) is not None


def _index_order(filters: dict) -> tuple:
    if filters.get("gate_id") is not None:
        return DailyViolations.gate_id, DailyViolations.day  # ix_daily_violations_gate_day
    if filters.get("firm_ids") is not None:
        return DailyViolations.firm_id, DailyViolations.day  # ix_daily_violations_firm_day
    return DailyViolations.rule, DailyViolations.alert_level, DailyViolations.day  # ix_daily_violations_rule_day
