"""Bearer-token authentication and role checks for the REST API."""

from functools import wraps

from flask import g, request
from flask_smorest import abort
from sqlalchemy.exc import OperationalError

from registry.accounts.models import Role
from registry.accounts.services import user_for_token
from registry.common.i18n import t
from registry.extensions import db

BEARER_SCHEME = {"type": "http", "scheme": "bearer"}

READERS = (Role.ADMIN, Role.BUREAU, Role.POLICE)
EDITORS = (Role.ADMIN, Role.BUREAU)
FIRM_READERS = (*READERS, Role.FIRM)  # a firm user sees its own firm, gates, passes and violations only


def own_firm_id(actor) -> int | None:
    """The firm a firm user acts for; None for roles that see every firm."""
    return actor.firm_id if actor is not None and actor.role == Role.FIRM else None


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def note_token_use() -> None:
    """Commit the token's last use. On SQLite a GET's read transaction cannot always become a write
    (another writer committed meanwhile): the minute-precision stamp then waits for the next request."""
    try:
        db.session.commit()
    except OperationalError:
        db.session.rollback()


def current_actor():
    return g.get("actor")


def require_role(*roles: Role):
    """Let the view run only for a user holding one of `roles`; sets `g.actor`."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            token = bearer_token()
            user = user_for_token(token) if token else None
            if user is None:
                abort(
                    401,
                    message=t("需要有效的 API 令牌", "A valid API token is required"),
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if db.session.dirty:  # last_used_at moved: its own small unit of work
                note_token_use()
            if user.role not in roles:
                abort(403, message=t("当前角色无权执行此操作", "Your role may not do this"))
            g.actor = user
            return view(*args, **kwargs)

        return wrapper

    return decorator
