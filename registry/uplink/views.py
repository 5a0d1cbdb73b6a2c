"""Page: reporting upward and downward (数据上报状态): each target's backlog, last success and last
error; each lower platform reporting here."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import EDITORS
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.forms import submit
from registry.common.i18n import t
from registry.extensions import db
from registry.reports.models import ReportingSource
from registry.uplink import services
from registry.uplink.schemas import TargetChangeSchema, TargetInputSchema
from registry.uplink.services import targets_status

FIELDS = ("name", "url", "token", "ca_file", "batch_size")

bp = Blueprint("uplink_pages", __name__)


@bp.get("/uplink")
@page_roles(*EDITORS)
def status(errors=None, form=None, changing=None, code=200):
    sources = db.session.scalars(select(ReportingSource).order_by(ReportingSource.code)).all()
    page = render_template(
        "uplink/status.html",
        targets=targets_status(),
        sources=sources,
        errors=errors,
        form=form or {},
        changing=changing,
    )
    return page, code


def _form(fields) -> dict:
    return {k: v.strip() for k, v in request.form.items() if k in fields and v.strip()}


@bp.post("/uplink/targets")
@page_roles(Role.ADMIN)
def add_target():
    """An administrator adds a higher platform (the token is written once, never shown again)."""
    form = _form(FIELDS)
    target, errors = submit(lambda: services.add_target(current_user, TargetInputSchema().load(form)))
    if errors:
        return status(errors, request.form, None, 422)
    name = target.name
    flash(t(f"已添加上报目标“{name}”，将从现存记录开始发送", f"Added '{name}'; it starts from the records kept"))
    return redirect(url_for(".status"))


@bp.post("/uplink/targets/<int:target_id>")
@page_roles(Role.ADMIN)
def change_target(target_id):
    """Change a target's address or token, or stop and start it. A new address without its token stops
    sending until the token for that address is given."""
    target = services.get_target(target_id)
    data = _form(("url", "token", "ca_file", "batch_size"))
    if "enabled" in request.form:
        data["enabled"] = request.form["enabled"] == "1"
    _, errors = submit(
        lambda: services.change_target(current_user, target, TargetChangeSchema(partial=True).load(data))
    )
    if errors:
        return status(errors, request.form, target_id, 422)
    flash(t(f"已更新上报目标“{target.name}”", f"Updated '{target.name}'"))
    return redirect(url_for(".status"))
