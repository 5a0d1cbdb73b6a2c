"""Pages for the administrator: users (用户) — create one with its role (and firm or unit), change the role,
deactivate, reset the password (a temporary one, shown once), see and revoke API tokens."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts import services
from registry.accounts.models import ApiToken, Role, User
from registry.accounts.schemas import UserInputSchema, UserUpdateSchema
from registry.accounts.views import page_roles
from registry.common.errors import DomainError
from registry.common.forms import picked, shown_once, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.common.services import get_or_404
from registry.extensions import db
from registry.firms.models import Firm
from registry.firms.services import firm_named
from registry.machinery.services import unit_named
from registry.sites.models import ConstructionUnit

bp = Blueprint("user_pages", __name__, url_prefix="/users")


def _belongs_to(role: str) -> dict:
    """The firm or unit the form's pickers name, for the role that needs one."""
    if role == Role.FIRM.value:
        return {"firm_id": firm_named(request.form.get("firm", "")).id}
    if role == Role.CONSTRUCTION.value:
        return {"construction_unit_id": unit_named(request.form.get("unit", ""))}
    return {}


@bp.route("", methods=["GET", "POST"])
@page_roles(Role.ADMIN)
def index():
    errors, form = None, {}
    if request.method == "POST":
        form = dict(request.form)

        def create():
            data = {k: request.form.get(k, "").strip() for k in ("username", "display_name", "role")}
            data = {k: v for k, v in data.items() if v}
            loaded = UserInputSchema().load(data) | _belongs_to(data.get("role", ""))
            user = services.create_user(current_user, **loaded)
            password = services.temporary_password()
            services.set_password(current_user, user, password)
            return user, password

        result, errors = submit(create)
        if not errors:
            return _password_page(*result, created=True)
    query = select(User).order_by(User.username, User.id)
    if request.args.get("role") in {r.value for r in Role}:
        query = query.where(User.role == request.args["role"])
    if request.args.get("unit", type=int):
        query = query.where(User.construction_unit_id == request.args.get("unit", type=int))
    listing = paginate(query, 1, 100, request.args.get("cursor") or None)
    names = _belonging(listing["items"])
    page = render_template("users/index.html", listing=listing, names=names, form=form, errors=errors)
    return page, 422 if errors else 200


def _belonging(users) -> dict[int, str]:
    """Each firm or construction user's firm or unit name."""
    firms = {u.firm_id for u in users if u.firm_id}
    units = {u.construction_unit_id for u in users if u.construction_unit_id}
    firm_names = dict(db.session.execute(select(Firm.id, Firm.name).where(Firm.id.in_(firms))).all()) if firms else {}
    unit_names = (
        dict(
            db.session.execute(
                select(ConstructionUnit.id, ConstructionUnit.name).where(ConstructionUnit.id.in_(units))
            ).all()
        )
        if units
        else {}
    )
    return {u.id: firm_names.get(u.firm_id) or unit_names.get(u.construction_unit_id) or "" for u in users}


def _password_page(user: User, password: str, created: bool):
    return shown_once(render_template("users/password.html", user=user, password=password, created=created))


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@page_roles(Role.ADMIN)
def show(user_id):
    user = get_or_404(User, user_id, "用户", "user")
    errors, form = None, {}
    if request.method == "POST":
        form = dict(request.form)

        def change():
            data = {"display_name": request.form.get("display_name", "").strip() or None}
            data["active"] = request.form.get("active") == "1"
            role = request.form.get("role", "")
            loaded = UserUpdateSchema().load(data | ({"role": role} if role else {})) | _belongs_to(role)
            if user.id == current_user.id and (not loaded["active"] or loaded.get("role", Role.ADMIN) != Role.ADMIN):
                raise DomainError(
                    t("不能停用自己或改变自己的角色", "You cannot deactivate yourself or change your own role")
                )
            return services.update_user(current_user, user, loaded)

        _, errors = submit(change)
        if not errors:
            flash(t(f"用户 {user.username} 已保存", f"User {user.username} saved"))
            return redirect(url_for(".show", user_id=user.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())).all()
    page = render_template(
        "users/show.html",
        user=user,
        tokens=tokens,
        belongs=_belonging([user]).get(user.id, ""),
        form=form,
        errors=errors,
        firm_text=picked(db.session.get(Firm, user.firm_id) if user.firm_id else None),
        unit_text=picked(
            db.session.get(ConstructionUnit, user.construction_unit_id) if user.construction_unit_id else None
        ),
    )
    return page, 422 if errors else 200


@bp.post("/<int:user_id>/password")
@page_roles(Role.ADMIN)
def reset_password(user_id):
    """A temporary password for a user who forgot theirs; every browser of theirs is signed out."""
    user = get_or_404(User, user_id, "用户", "user")
    password = services.temporary_password()
    submit(lambda: services.set_password(current_user, user, password))  # long enough by construction
    return _password_page(user, password, created=False)


@bp.post("/<int:user_id>/tokens/<int:token_id>/revoke")
@page_roles(Role.ADMIN)
def revoke_token(user_id, token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        token = None
    _, errors = submit(lambda: services.revoke_token(current_user, token, token_id))
    if errors:
        flash(t("没有这个令牌", "No such token"), "error")
    else:
        flash(t("令牌已吊销，使用它的程序将无法再访问", "Token revoked: programs using it are refused from now on"))
    return redirect(url_for(".show", user_id=user_id))
