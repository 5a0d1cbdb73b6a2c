"""Pages: log in with a password, log out. Page forms carry a CSRF token; the API does not use cookies."""

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from registry.accounts.models import Role, User
from registry.accounts.services import authenticate
from registry.common.i18n import t
from registry.extensions import csrf, db, limiter, login_manager

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


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
    if user.role == Role.FIRM:
        return url_for("violation_pages.search")
    return url_for("pages.home")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never redirect a login to somewhere else."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


def _login_key() -> str:
    """Failed attempts count per client address and username, so one guesser cannot lock out everyone."""
    return f"{get_remote_address()}|{request.form.get('username', '').strip().lower()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    key_func=_login_key,
    deduct_when=lambda response: response.status_code == 401,
)
def login():
    error = None
    if request.method == "POST":
        user = authenticate(request.form.get("username", "").strip(), request.form.get("password", ""))
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        error = t("用户名或密码错误", "Wrong username or password")
    return render_template("accounts/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("accounts.login"))
