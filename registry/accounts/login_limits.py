"""Failed page logins, counted by the database itself: every gunicorn worker and every host sees the
same count. Limits hold per address and user name (one guesser cannot lock anyone else out) and per
address alone (one address trying many user names). Rates are written as `limits` strings
("5 per minute;20 per hour"); a service: it flushes, the caller commits."""

from __future__ import annotations

from sqlalchemy import delete

from registry.accounts.models import LoginFailure
from registry.common import rates
from registry.common.text import printable
from registry.common.time import utcnow
from registry.extensions import db


def _key(username: str) -> str:
    return printable(username.strip().lower())[:64]  # a name tried with a NUL is counted too


def retry_after(address: str, username: str, per_name: str, per_address: str) -> int | None:
    """Seconds until another attempt is allowed, or None when one is allowed now."""
    by_name = (LoginFailure.address == address, LoginFailure.username == _key(username))
    return rates.retry_after(
        [(per_name, LoginFailure.at, by_name), (per_address, LoginFailure.at, (LoginFailure.address == address,))]
    )


def record_failure(address: str, username: str, per_name: str, per_address: str) -> None:
    """Count one failed login, and forget those older than the longest window."""
    now = utcnow()
    longest = max(window for limit in (per_name, per_address) for _, window in rates.windows(limit))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - longest))
    db.session.add(LoginFailure(address=address[:45], username=_key(username), at=now))
    db.session.flush()


def forget_failures(address: str, username: str) -> None:
    """A successful login: this address's failures for this name no longer count against it."""
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.address == address, LoginFailure.username == _key(username))
    )
