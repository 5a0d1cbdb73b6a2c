"""Creating users and issuing, checking and revoking bearer tokens."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from registry.accounts.models import ApiToken, Role, User
from registry.audit.services import record_change
from registry.common.errors import Conflict
from registry.common.i18n import t
from registry.common.time import utcnow
from registry.extensions import db

# Recording every use would turn each read into a write; a minute's precision is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """SHA-256 of a random secret: tokens carry 256 bits, so a slow hash adds nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def create_user(actor, username: str, role: Role, display_name: str | None = None) -> User:
    """Add a user with one role; the username must be free."""
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(t(f"用户名 {username} 已存在", f"username {username} is taken"), "username")
    user = User(username=username, role=role, display_name=display_name)
    db.session.add(user)
    db.session.flush()
    record_change(actor, "create", "user", user.id, after={"username": username, "role": role.value})
    return user


def issue_token(actor, user: User, name: str = "cli") -> str:
    """Store the hash of a new token and return the token itself, shown only once."""
    token = new_secret()
    db.session.add(ApiToken(user=user, name=name, token_hash=hash_secret(token)))
    record_change(actor, "issue_token", "user", user.id, after={"name": name})
    return token


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, noting when it was last used."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        row.last_used_at = now
    return row.user
