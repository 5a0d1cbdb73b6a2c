"""Pages: a construction unit's sites, and declaring registered machines at a site (进场登记)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from registry.accounts.views import page_roles
from registry.common.forms import submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.extensions import db
from registry.machinery import services as machinery_services
from registry.machinery.models import MachineryStatus
from registry.machinery.services import BUREAU, OWN_UNIT, READERS, unit_named
from registry.sites import services
from registry.sites.schemas import DeclarationInputSchema, SiteInputSchema

bp = Blueprint("site_pages", __name__, url_prefix="/sites")


@bp.route("", methods=["GET", "POST"])
@page_roles(*READERS, *OWN_UNIT)
def sites():
    errors, form = None, {}
    if request.method == "POST":
        form = {k: v for k, v in request.form.items() if k in ("name", "address") and v}
        form["low_emission_zone"] = request.form.get("low_emission_zone") == "on"
        unit = request.form.get("unit", "")
        site, errors = submit(lambda: services.create_site(current_user, _site(form, unit)))
        form["unit"] = unit
        if not errors:
            flash(t("工地已登记", "Site recorded"))
            return redirect(url_for(".site", site_id=site.id))
    listing = paginate(services.sites_query(current_user), 1, 200)
    return render_template("sites/list.html", listing=listing, errors=errors, form=form), (422 if errors else 200)


def _site(form: dict, unit: str) -> dict:
    """The site as the form gives it; the bureau names the construction unit with the picker."""
    data = SiteInputSchema().load(form)
    if current_user.role in BUREAU:
        data["unit_id"] = unit_named(unit)
    return data


@bp.route("/<int:site_id>", methods=["GET", "POST"])
@page_roles(*READERS, *OWN_UNIT)
def site(site_id):
    site = services.get_site_for(current_user, site_id)
    errors, form = None, {}
    if request.method == "POST":
        form = {k: v for k, v in request.form.items() if k in ("registration_code", "from", "to")}
        _, errors = submit(lambda: services.declare(current_user, site, DeclarationInputSchema().load(form)))
        if not errors:
            flash(t("进场登记成功", "Machine declared at this site"))
            return redirect(url_for(".site", site_id=site.id))
    declarations = paginate(services.declarations_query(site), 1, 200)
    # a site manager picks from the unit's own approved machines; the bureau searches every machine
    own = machinery_services.own_unit_id(current_user) is not None
    approved = {"status": MachineryStatus.APPROVED}
    machines = db.session.scalars(machinery_services.machinery_query(current_user, approved)).all() if own else None
    return render_template(
        "sites/detail.html", site=site, declarations=declarations, errors=errors, form=form, machines=machines
    ), 422 if errors else 200
