"""Page sessions kept by the server: a login opens one, a logout ends it for good, and none outlives a
working day. Flask's cookie only carries the session's random token (signed); the database holds its
SHA-256, so a cookie copied before logout, or kept past its day, is refused. A service: it flushes, the
caller commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from registry.accounts.models import PageSession, User
from registry.common.time import utcnow
from registry.extensions import db


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User) -> str:
    """A new session for `user`; its token, for the cookie. The user's expired sessions are let go."""
    now = utcnow()
    db.session.execute(delete(PageSession).where(PageSession.user_id == user.id, PageSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    hours = current_app.config["PAGE_SESSION_HOURS"]
    db.session.add(PageSession(user_id=user.id, token_hash=_hash(token), created_at=now,
                               expires_at=now + timedelta(hours=hours)))  # fmt: skip
    db.session.flush()
    return token


def user_of(token: str | None, user_id: str) -> User | None:
    """The active user whose live session the token is, else None."""
    if not token or not user_id.isdigit():
        return None
    return db.session.scalar(
        select(User)
        .join(PageSession, PageSession.user_id == User.id)
        .where(PageSession.token_hash == _hash(token), User.id == int(user_id), User.active)
        .where(PageSession.expires_at > utcnow()),
        bind_arguments={"bind": db.engine},
    )


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(PageSession).where(PageSession.token_hash == _hash(token)))


def end_sessions_of(user: User) -> None:
    """Every session of the user (a new password, a deactivated account)."""
    db.session.execute(delete(PageSession).where(PageSession.user_id == user.id))
