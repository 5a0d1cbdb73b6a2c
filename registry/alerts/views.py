"""Pages: issue and end heavy-pollution alerts (重污染天气预警), approve exemptions (豁免)."""

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import EDITORS, READERS
from registry.accounts.views import page_roles
from registry.alerts import services
from registry.alerts.models import Exemption
from registry.alerts.schemas import AlertChangeSchema, AlertInputSchema, AlertWithdrawSchema, ExemptionInputSchema
from registry.common.forms import submit
from registry.common.i18n import t
from registry.common.time import local_input, local_minute, utcnow, with_local_offset
from registry.extensions import db
from registry.firms.services import regions
from registry.labels import label

bp = Blueprint("alert_pages", __name__, url_prefix="/alerts")


ALERT_FIELDS = ("level", "region", "starts_at", "ends_at", "document_no")


def _index(errors=None, form=None, status=200):
    recent = db.session.scalars(services.alerts_query({}).limit(20)).all()
    page = render_template(
        "alerts/index.html",
        alerts=recent,
        now=utcnow(),
        regions=regions(),
        errors=errors,
        form=form or {},
    )
    return page, status


def _alert_form(fields=ALERT_FIELDS) -> dict:
    """The form's values as the API takes them: local times with their offset, empty fields left out
    (the region's empty choice, 全区, is kept: it means the whole district)."""
    form = {k: v for k, v in request.form.items() if k in fields}
    for key in ("starts_at", "ends_at"):
        if form.get(key):
            form[key] = with_local_offset(form[key])
    return {k: v for k, v in form.items() if v != "" or k == "region"}


def _takes_effect(alert) -> str:
    if alert.starts_at > utcnow():
        start = local_minute(alert.starts_at)
        return t(f"预警已发布，将于 {start} 起生效", f"Alert issued: it takes effect at {start}")
    return t("预警已发布，门禁判定即时生效", "Alert issued: gate verdicts apply it at once")


@bp.get("")
@page_roles(*READERS)
def index():
    return _index()


@bp.post("")
@page_roles(*EDITORS)
def issue():
    form = _alert_form()
    if not form.get("region"):
        form.pop("region", None)
    alert, errors = submit(lambda: services.issue_alert(current_user, AlertInputSchema().load(form)))
    if errors:
        return _index(errors, request.form, 422)
    flash(_takes_effect(alert))
    return redirect(url_for(".index"))


@bp.post("/<int:alert_id>/withdraw")
@page_roles(*EDITORS)
def withdraw(alert_id):
    alert = services.get_alert(alert_id)
    reason = request.form.get("reason", "")
    _, errors = submit(
        lambda: services.withdraw_alert(current_user, alert, AlertWithdrawSchema().load({"reason": reason})["reason"])
    )
    if errors:
        return _index(errors, None, 422)
    flash(t(f"预警已撤销：{label('alert_level', alert.level)}（{local_minute(alert.starts_at)} 起）不再生效",
            f"Alert withdrawn: the {label('alert_level', alert.level)} from {local_minute(alert.starts_at)} "
            "will not take effect"))  # fmt: skip
    return redirect(url_for(".index"))


@bp.route("/<int:alert_id>/edit", methods=["GET", "POST"])
@page_roles(*EDITORS)
def edit(alert_id):
    """Correct an alert entered by mistake; its history (issued, corrected, withdrawn, ended) beside."""
    alert = services.get_alert(alert_id)
    errors, form, status = None, {}, 200
    if request.method == "POST":
        form = _alert_form((*ALERT_FIELDS, "reason"))
        changes = {k: v for k, v in form.items() if k == "reason" or v != _shown(alert).get(k)}
        _, errors = submit(lambda: services.correct_alert(current_user, alert, AlertChangeSchema().load(changes)))
        if not errors:
            flash(t("预警已更正，更正记录已留存", "Alert corrected; the correction is kept in its history"))
            return redirect(url_for(".edit", alert_id=alert_id))
        form, status = dict(request.form), 422
    page = render_template(
        "alerts/edit.html",
        alert=alert,
        now=utcnow(),
        regions=regions(),
        form=form or _shown(alert),
        history=services.history(alert),
        errors=errors,
    )
    return page, status


def _shown(alert) -> dict:
    """The alert as its form shows it (local times, as the form sends them back)."""
    return {
        "level": alert.level.value,
        "region": alert.region or "",
        "starts_at": with_local_offset(local_input(alert.starts_at)),
        "ends_at": with_local_offset(local_input(alert.ends_at)),
        "document_no": alert.document_no or "",
    }


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


@bp.app_template_filter("alert_value")
def alert_value(value, key: str) -> str:
    """A value of an alert's audit snapshot as a person reads it (a level's word, local times, 全区)."""
    if key == "level" and value:
        return label("alert_level", value)
    if key == "region":
        return value or t("全区", "whole district")
    if key in ("starts_at", "ends_at") and value:
        return local_minute(datetime.fromisoformat(value))
    return value or "—"
