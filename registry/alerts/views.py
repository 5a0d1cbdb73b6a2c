"""Pages: issue and end heavy-pollution alerts (重污染天气预警), approve exemptions (豁免)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import EDITORS, READERS
from registry.accounts.views import page_roles
from registry.alerts import services
from registry.alerts.models import Exemption
from registry.alerts.schemas import AlertInputSchema, ExemptionInputSchema
from registry.common.forms import submit
from registry.common.i18n import t
from registry.common.time import with_local_offset
from registry.extensions import db

bp = Blueprint("alert_pages", __name__, url_prefix="/alerts")


def _index(errors=None, form=None, status=200):
    recent = db.session.scalars(services.alerts_query({}).limit(20)).all()
    active = {a.id for a in db.session.scalars(services.alerts_query({"active": True}))}
    return render_template("alerts/index.html", alerts=recent, active=active, errors=errors, form=form or {}), status


@bp.get("")
@page_roles(*READERS)
def index():
    return _index()


@bp.post("")
@page_roles(*EDITORS)
def issue():
    form = {k: v for k, v in request.form.items() if k in ("level", "region", "starts_at", "ends_at", "document_no")}
    for key in ("starts_at", "ends_at"):
        if form.get(key):
            form[key] = with_local_offset(form[key])
    form = {k: v for k, v in form.items() if v != ""}
    _, errors = submit(lambda: services.issue_alert(current_user, AlertInputSchema().load(form)))
    if errors:
        return _index(errors, request.form, 422)
    flash(t("预警已发布，门禁判定即时生效", "Alert issued: gate verdicts apply it at once"))
    return redirect(url_for(".index"))


@bp.post("/<int:alert_id>/end")
@page_roles(*EDITORS)
def end(alert_id):
    _, errors = submit(lambda: services.end_alert(current_user, services.get_alert(alert_id)))
    if errors:
        return _index(errors, None, 409)
    flash(t("预警已解除", "Alert ended"))
    return redirect(url_for(".index"))


@bp.route("/<int:alert_id>/exemptions", methods=["GET", "POST"])
@page_roles(*READERS)
def exemptions(alert_id):
    alert = services.get_alert(alert_id)
    errors, form = None, {}
    if request.method == "POST":
        if current_user.role not in EDITORS:
            return _index(None, None, 403)
        form = {k: request.form.get(k, "") for k in ("plate", "reason")}
        _, errors = submit(lambda: services.approve_exemption(current_user, alert, ExemptionInputSchema().load(form)))
        if not errors:
            flash(t("豁免已批准", "Exemption approved"))
            return redirect(url_for(".exemptions", alert_id=alert_id))
    rows = db.session.scalars(select(Exemption).where(Exemption.alert_id == alert_id).order_by(Exemption.id)).all()
    return render_template(
        "alerts/exemptions.html", alert=alert, exemptions=rows, errors=errors, form=form
    ), 422 if errors else 200
