"""Pages: a construction unit's sites, and declaring registered machines at a site (进场登记)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from registry.accounts.views import page_roles
from registry.common.forms import submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.extensions import db
from registry.machinery import services as machinery_services
from registry.machinery import sites as services
from registry.machinery.models import MachineryStatus
from registry.machinery.services import BUREAU, OWN_UNIT, READERS, all_units
from registry.machinery.site_schemas import DeclarationInputSchema, SiteInputSchema

bp = Blueprint("site_pages", __name__, url_prefix="/sites")


@bp.route("", methods=["GET", "POST"])
@page_roles(*READERS, *OWN_UNIT)
def sites():
    errors, form = None, {}
    if request.method == "POST":
        form = {k: v for k, v in request.form.items() if k in ("name", "address", "unit_id") and v}
        form["low_emission_zone"] = request.form.get("low_emission_zone") == "on"
        site, errors = submit(lambda: services.create_site(current_user, SiteInputSchema().load(form)))
        if not errors:
            flash(t("工地已登记", "Site recorded"))
            return redirect(url_for(".site", site_id=site.id))
    listing = paginate(services.sites_query(current_user), 1, 200)
    units = all_units() if current_user.role in BUREAU else []
    return render_template("machinery/sites.html", listing=listing, errors=errors, form=form, units=units), (
        422 if errors else 200
    )


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
        "machinery/site.html", site=site, declarations=declarations, errors=errors, form=form, machines=machines
    ), 422 if errors else 200
