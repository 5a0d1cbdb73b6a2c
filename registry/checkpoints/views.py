"""Pages: 道路卡口 — the checkpoints with their last pass, the zones each enforces and its police cases;
adding one issues its secret (shown once, as a gate's)."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from registry.accounts.auth import EDITORS, READERS
from registry.accounts.views import page_roles
from registry.cases.models import Case
from registry.common.errors import DomainError
from registry.common.forms import coordinates, shown_once, submit
from registry.common.i18n import t
from registry.events.models import ViolationStatus
from registry.extensions import db
from registry.gates.models import Gate
from registry.gates.services import create_gate
from registry.zones.models import RestrictionZone, zone_checkpoints

bp = Blueprint("checkpoint_pages", __name__, url_prefix="/roadside/checkpoints")


def _form() -> dict:
    form = request.form
    name = form.get("name", "").strip()[:100]
    if not name:
        raise DomainError(t("请填写卡口名称", "give the checkpoint a name"), "name")
    data = {"name": name, "code": form.get("code", "").strip().upper()[:32] or None,
            "device_sn": form.get("device_sn", "").strip()[:64] or None,
            "operator": form.get("operator") if form.get("operator") in ("bureau", "police") else "police"}  # fmt: skip
    return data | coordinates(form)


@bp.route("", methods=["GET", "POST"])
@page_roles(*READERS)
def index():
    errors = None
    if request.method == "POST":
        if current_user.role not in EDITORS:
            abort(403)
        result, errors = submit(lambda: create_gate(current_user, None, **_form()))
        if errors is None:
            gate, secret = result
            return shown_once(render_template("gates/secret.html", gate=gate, secret=secret, created=True))
    checkpoints = db.session.scalars(select(Gate).where(Gate.kind == "checkpoint").order_by(Gate.code)).all()
    open_cases = dict(
        db.session.execute(
            select(Case.gate_id, func.count())
            .where(Case.firm_id.is_(None), Case.status == ViolationStatus.OPEN)
            .group_by(Case.gate_id)
        ).all()
    )
    zones: dict[int, list[str]] = {}
    named = select(zone_checkpoints.c.gate_id, RestrictionZone.name).join(
        RestrictionZone, RestrictionZone.id == zone_checkpoints.c.zone_id
    )
    for gate_id, name in db.session.execute(named):
        zones.setdefault(gate_id, []).append(name)
    page = render_template("checkpoints/index.html", checkpoints=checkpoints, open_cases=open_cases, zones=zones,
                           entered=request.form, errors=errors, may_edit=current_user.role in EDITORS)  # fmt: skip
    return page, 422 if errors else 200
