"""Rate limits counted by the database itself, so that every gunicorn worker and every host sees the same
count: how long until another attempt is allowed, given rows already stored and rates written as
`limits` strings ("5 per minute;20 per hour")."""

from __future__ import annotations

from datetime import timedelta

from limits import parse_many
from sqlalchemy import func, select, text

from registry.common.time import utcnow
from registry.extensions import db


def windows(rates: str) -> list[tuple[int, timedelta]]:
    return [(item.amount, timedelta(seconds=item.get_expiry())) for item in parse_many(rates)]


def retry_after(checks: list[tuple[str, object, tuple]]) -> int | None:
    """Seconds until another attempt is allowed, or None when one is allowed now. Each check is
    (rates, the counted rows' time column, the conditions that pick the rows)."""
    now, waits = utcnow(), []
    for rates, at, conditions in checks:
        for amount, window in windows(rates):
            count, oldest = db.session.execute(
                select(func.count(), func.min(at)).where(*conditions, at > now - window)
            ).one()
            if count >= amount:
                waits.append(max(1, int((oldest + window - now).total_seconds()) + 1))
    return max(waits) if waits else None


def serialised(key: str) -> None:
    """Count and record under one lock per key, so that requests arriving together cannot all find room
    under the limit (the sixth of five). PostgreSQL: a transaction-scoped advisory lock on the key's hash,
    released at commit. SQLite: a request that writes begins IMMEDIATE (registry.extensions), so it holds
    the database's write lock from its first statement: nothing more is needed."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 29))"), {"key": key})
