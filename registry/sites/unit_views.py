"""Pages: the construction units (施工单位) the bureau records: list, record, correct; each with its sites,
machines and users one link away."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from registry.accounts.models import User
from registry.accounts.views import page_roles
from registry.common.forms import form_value, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.common.services import get_or_404
from registry.extensions import db
from registry.machinery.models import Machinery
from registry.machinery.services import BUREAU
from registry.sites import services
from registry.sites.models import ConstructionUnit, Site
from registry.sites.schemas import UnitInputSchema

bp = Blueprint("unit_pages", __name__, url_prefix="/construction-units")

FIELDS = ("name", "credit_code", "contact_name", "contact_phone")


def _unit_form() -> dict:
    """The form's fields; an emptied optional field clears its value."""
    form = {k: request.form.get(k, "").strip() or None for k in FIELDS}
    return form | {"name": request.form.get("name", "").strip()}


def _counts(model, column, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(db.session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).all())


@bp.route("", methods=["GET", "POST"])
@page_roles(*BUREAU)
def index():
    errors, form = None, {}
    if request.method == "POST":
        form = dict(request.form)
        data = {k: v for k, v in _unit_form().items() if v is not None}
        unit, errors = submit(lambda: services.create_unit(current_user, UnitInputSchema().load(data)))
        if not errors:
            flash(t(f"已登记施工单位“{unit.name}”，可为其创建用户", f"Recorded '{unit.name}': create its users next"))
            return redirect(url_for(".index"))
    listing = paginate(services.units_query(), 1, 100, request.args.get("cursor") or None)
    ids = [u.id for u in listing["items"]]
    page = render_template(
        "units/index.html",
        listing=listing,
        machines=_counts(Machinery, Machinery.unit_id, ids),
        sites=_counts(Site, Site.unit_id, ids),
        users=_counts(User, User.construction_unit_id, ids),
        form=form,
        errors=errors,
    )
    return page, 422 if errors else 200


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@page_roles(*BUREAU)
def edit(unit_id):
    unit = get_or_404(ConstructionUnit, unit_id, "施工单位", "construction unit")
    errors, form = None, {k: form_value(getattr(unit, k)) for k in FIELDS}
    if request.method == "POST":
        form = dict(request.form)
        _, errors = submit(
            lambda: services.update_unit(current_user, unit, UnitInputSchema(partial=True).load(_unit_form()))
        )
        if not errors:
            flash(t(f"已保存“{unit.name}”", f"Saved '{unit.name}'"))
            return redirect(url_for(".index"))
    return render_template("units/edit.html", unit=unit, form=form, errors=errors), 422 if errors else 200
