"""Pages: log in with a password, log out. Page forms carry a CSRF token; the API does not use cookies."""

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from registry.accounts import sessions
from registry.accounts.login_limits import forget_failures, record_failure, retry_after
from registry.accounts.models import Role, User
from registry.accounts.services import authenticate
from registry.common.i18n import t
from registry.common.rates import serialised
from registry.extensions import csrf, db, login_manager

bp = Blueprint("accounts", __name__)


SESSION_KEY = "page_session"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of this browser's live session (registry.accounts.sessions), else nobody."""
    return sessions.user_of(session.get(SESSION_KEY), user_id)


login_manager.login_message = "请先登录 / Please log in first."
login_manager.login_message_category = "info"


@bp.before_app_request
def protect_page_forms():
    """Every page form that changes something carries the session's CSRF token."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.path.startswith("/api/"):
        csrf.protect()


def page_roles(*roles: Role):
    """A page for logged-in users holding one of `roles`."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def home_for(user: User) -> str:
    if user.role == Role.CONSTRUCTION:
        return url_for("machinery_pages.own_list")
    if user.role in (Role.ADMIN, Role.BUREAU, Role.POLICE):
        return url_for("dashboard.show")
    if user.role == Role.FIRM and user.firm_id:
        return url_for("firm_pages.show", firm_id=user.firm_id)  # the firm's portal: its duties one link away
    return url_for("pages.home")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never redirect a login to somewhere else."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("accounts/login.html", error=None)
    config = current_app.config
    address, username = request.remote_addr or "unknown", request.form.get("username", "").strip()
    rates = (config["LOGIN_RATE_LIMIT"], config["LOGIN_ADDRESS_RATE_LIMIT"])
    serialised(f"login:{address}")  # logins sent together are counted one after the other
    wait = retry_after(address, username, *rates)
    if wait:
        error = t(f"请求过于频繁，请 {wait} 秒后再试", f"Too many failed attempts; try again in {wait} s")
        return render_template("accounts/login.html", error=error), 429, {"Retry-After": str(wait)}
    user = authenticate(username, request.form.get("password", ""))
    if user is not None:
        forget_failures(address, username)
        token = sessions.open_session(user)
        db.session.commit()
        session.permanent = True  # the cookie ends with the session's day (PERMANENT_SESSION_LIFETIME)
        session[SESSION_KEY] = token
        login_user(user)
        g.pop("wrote", None)  # the session row is not a record the user reads back: lists may read a replica
        return redirect(_safe_next(request.args.get("next")) or home_for(user))
    record_failure(address, username, *rates)
    db.session.commit()
    return render_template("accounts/login.html", error=t("用户名或密码错误", "Wrong username or password")), 401


@bp.post("/logout")
def logout():
    sessions.end_session(session.get(SESSION_KEY))
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("accounts.login"))
