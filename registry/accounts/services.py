"""Creating users and issuing, checking and revoking bearer tokens."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.accounts.models import ApiToken, Role, User
from registry.accounts.sessions import end_sessions_of
from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError
from registry.common.i18n import t
from registry.common.services import not_found
from registry.common.text import text_problem
from registry.common.time import utcnow
from registry.extensions import db

# Recording every use would turn each read into a write; a minute's precision is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """SHA-256 of a random secret: tokens carry 256 bits, so a slow hash adds nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def create_user(
    actor,
    username: str,
    role: Role | str,
    display_name: str | None = None,
    firm_id: int | None = None,
    construction_unit_id: int | None = None,
) -> User:
    """Add a user with one role; the username must be free. Firm and construction users belong to one
    firm or unit and see only its data."""
    role = Role(role)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(t(f"用户名 {username} 已存在", f"username {username} is taken"), "username")
    _ensure_belongs(role, firm_id, construction_unit_id)
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        firm_id=firm_id,
        construction_unit_id=construction_unit_id,
    )
    db.session.add(user)
    db.session.flush()
    record_change(actor, "create", "user", user.id, after={"username": username, "role": role.value})
    return user


MIN_PASSWORD_LENGTH = 10


def set_password(actor, user: User, password: str) -> None:
    """Store a salted scrypt hash of a page password (werkzeug's default)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            t(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符", f"a password needs at least {MIN_PASSWORD_LENGTH} characters"),
            "password",
        )
    user.password_hash = generate_password_hash(password)
    end_sessions_of(user)  # a new password signs every browser out
    record_change(actor, "set_password", "user", user.id)


# Checked against when the username is unknown, so that a wrong name and a wrong password take as long.
_NO_SUCH_USER = generate_password_hash("no such user")


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, else None."""
    user = None if text_problem(username) else db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.password_hash:
        check_password_hash(_NO_SUCH_USER, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
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


def revoke_token(actor: User, token: ApiToken | None, token_id: int) -> None:
    """Revoke one of the actor's tokens (an administrator may revoke anyone's)."""
    if token is None or (token.user_id != actor.id and actor.role != Role.ADMIN):
        raise not_found("令牌", "token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_change(actor, "revoke_token", "user", token.user_id, after={"token_id": token.id, "name": token.name})


def update_user(actor: User, user: User, data: dict) -> User:
    """Rename, (de)activate, change the role (with the firm or unit it needs), or set a new password."""
    data = dict(data)
    if "password" in data:
        set_password(actor, user, data.pop("password"))
    role = Role(data.get("role", user.role))
    if "role" in data or "firm_id" in data or "construction_unit_id" in data:
        data["firm_id"] = data.get("firm_id", user.firm_id) if role == Role.FIRM else None
        data["construction_unit_id"] = (
            data.get("construction_unit_id", user.construction_unit_id) if role == Role.CONSTRUCTION else None
        )
        _ensure_belongs(role, data["firm_id"], data["construction_unit_id"])
    before = {k: _plain(getattr(user, k)) for k in data}
    for key, value in data.items():
        setattr(user, key, value)
    if data.get("active") is False or before.get("role", role.value) != role.value:
        end_sessions_of(user)  # a deactivated user, or one whose role changed, signs in again
    record_change(actor, "update", "user", user.id, before=before, after={k: _plain(v) for k, v in data.items()})
    return user


def _plain(value):
    return getattr(value, "value", value)


def _ensure_belongs(role: Role, firm_id, construction_unit_id) -> None:
    if role == Role.FIRM and firm_id is None:
        raise DomainError(t("企业用户须指定所属企业", "a firm user needs a firm"), "firm_id")
    if role == Role.CONSTRUCTION and construction_unit_id is None:
        raise DomainError(t("施工单位用户须指定所属单位", "a construction user needs a unit"), "construction_unit_id")


def temporary_password() -> str:
    """A password for a new user or a reset, given once to the person, who changes nothing else: 16
    characters from a 56-letter alphabet without look-alikes (about 93 bits)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))
