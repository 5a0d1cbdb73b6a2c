"""Failed page logins, counted by the database itself: every gunicorn worker and every host sees the
same count. Limits hold per address and user name (one guesser cannot lock anyone else out) and per
address alone (one address trying many user names). Rates are written as `limits` strings
("5 per minute;20 per hour"); a service: it flushes, the caller commits."""

from __future__ import annotations

from datetime import timedelta

from limits import parse_many
from sqlalchemy import delete, func, select

from registry.accounts.models import LoginFailure
from registry.common.text import printable
from registry.common.time import utcnow
from registry.extensions import db


def _windows(rates: str) -> list[tuple[int, timedelta]]:
    return [(item.amount, timedelta(seconds=item.get_expiry())) for item in parse_many(rates)]


def _key(username: str) -> str:
    return printable(username.strip().lower())[:64]  # a name tried with a NUL is counted too


def retry_after(address: str, username: str, per_name: str, per_address: str) -> int | None:
    """Seconds until another attempt is allowed, or None when one is allowed now."""
    now, waits = utcnow(), []
    checks = [(per_name, (LoginFailure.address == address, LoginFailure.username == _key(username)))]
    checks.append((per_address, (LoginFailure.address == address,)))
    for rates, conditions in checks:
        for amount, window in _windows(rates):
            since = now - window
            count, oldest = db.session.execute(
                select(func.count(), func.min(LoginFailure.at)).where(*conditions, LoginFailure.at > since)
            ).one()
            if count >= amount:
                waits.append(max(1, int((oldest + window - now).total_seconds()) + 1))
    return max(waits) if waits else None


def record_failure(address: str, username: str, per_name: str, per_address: str) -> None:
    """Count one failed login, and forget those older than the longest window."""
    now = utcnow()
    longest = max(window for rates in (per_name, per_address) for _, window in _windows(rates))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - longest))
    db.session.add(LoginFailure(address=address[:45], username=_key(username), at=now))
    db.session.flush()


def forget_failures(address: str, username: str) -> None:
    """A successful login: this address's failures for this name no longer count against it."""
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.address == address, LoginFailure.username == _key(username))
    )
