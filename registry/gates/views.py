"""Pages: the gates (门禁) — every gate's liveness, one gate's camera, place, state and delivery, adding a
gate to a firm and issuing its secret (shown once, on the answer's page, never stored in clear)."""

from contextlib import suppress
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import EDITORS, READERS
from registry.accounts.views import page_roles
from registry.audit.services import history_of
from registry.common.forms import form_value, shown_once, submit
from registry.common.i18n import t
from registry.common.time import local_date, utcnow
from registry.dashboard.services import gate_liveness, gates_on_map, silent_now
from registry.extensions import db
from registry.firms.models import Firm
from registry.firms.services import get_firm
from registry.gates import services
from registry.gates.delivery import delivery
from registry.gates.models import Gate
from registry.gates.schemas import GateInputSchema, GateUpdateSchema

bp = Blueprint("gate_pages", __name__)

FIELDS = ("name", "code", "device_sn", "latitude", "longitude")
HISTORY_FIELDS = (
    ("name", ("门禁名称", "Name"), None),
    ("code", ("门禁编码", "Code"), None),
    ("active", ("启用", "Active"), None),
    ("device_sn", ("相机序列号", "Camera serial"), None),
    ("latitude", ("纬度", "Latitude"), None),
    ("longitude", ("经度", "Longitude"), None),
)
DELIVERY_DAYS = 7


def _gate_form(fields) -> dict:
    """The form as the gate schemas take it: coordinates as numbers where they read as numbers (else the
    text, which the schema refuses with its message), empty fields left out."""
    form = {k: v.strip() for k, v in request.form.items() if k in fields and v.strip()}
    for key in ("latitude", "longitude"):
        if key in form:
            with suppress(ValueError):
                form[key] = float(form[key])
    return form


@bp.get("/gates")
@page_roles(*READERS)
def index():
    """Every active gate with its firm, last pass, heartbeat and delivery (silent ones first), then the
    disabled ones."""
    active = sorted(gate_liveness(utcnow()), key=lambda row: not row["silent"])
    disabled = db.session.execute(
        select(Gate, Firm.name).join(Firm).where(Gate.active.is_(False)).order_by(Firm.name, Gate.code)
    ).all()
    return render_template("gates/index.html", gates=active, disabled=disabled, gate_map=gates_on_map(active, disabled))


@bp.post("/firms/<int:firm_id>/gates")
@page_roles(*EDITORS)
def create(firm_id):
    """Add a gate to a firm; the answer shows its secret this once."""
    from registry.firms.views import show as firm_page

    firm = get_firm(firm_id)
    result, errors = submit(
        lambda: services.create_gate(current_user, firm, **GateInputSchema().load(_gate_form(FIELDS)))
    )
    if errors:
        return firm_page(firm_id, gate_errors=errors, gate_form=request.form, status=422)
    gate, secret = result
    return _secret_page(gate, secret, created=True)


def _secret_page(gate: Gate, secret: str, created: bool):
    return shown_once(render_template("gates/secret.html", gate=gate, secret=secret, created=created))


@bp.route("/gates/<code>", methods=["GET", "POST"])
@page_roles(*READERS)
def show(code):
    gate = services.get_gate(code)
    errors, form = None, {k: form_value(getattr(gate, k)) for k in FIELDS}
    form["active"] = "1" if gate.active else "0"
    if request.method == "POST":
        if current_user.role not in EDITORS:
            return redirect(url_for(".show", code=code))
        form = dict(request.form)
        data = _gate_form(("name", "device_sn", "latitude", "longitude"))
        for key in ("device_sn", "latitude", "longitude"):
            data.setdefault(key, None)  # an emptied field clears the value
        data["active"] = request.form.get("active") == "1"
        _, errors = submit(lambda: services.update_gate(current_user, gate, GateUpdateSchema().load(data)))
        if not errors:
            flash(t(f"门禁“{gate.name}”已保存", f"Gate '{gate.name}' saved"))
            return redirect(url_for(".show", code=code))
    last = local_date(utcnow())
    days = delivery(last - timedelta(days=DELIVERY_DAYS - 1), last, _target(), [gate.code]) if gate.active else []
    page = render_template(
        "gates/show.html",
        gate=gate,
        silent=gate.active and silent_now(gate.last_pass_at, gate.last_seen_at, utcnow()),
        days=days,
        form=form,
        errors=errors,
        history=history_of("gate", gate.id),
        history_fields=[(name, t(*title), kind) for name, title, kind in HISTORY_FIELDS],
        may_edit=current_user.role in EDITORS,
    )
    return page, 422 if errors else 200


def _target() -> float:
    return current_app.config["DELIVERY_TARGET_PERMILLE"] / 1000


@bp.post("/gates/<code>/secret")
@page_roles(*EDITORS)
def rotate(code):
    """A new secret for the gate; the old one stops working at once (a camera replaced, a secret leaked)."""
    gate = services.get_gate(code)
    secret, _ = submit(lambda: services.rotate_secret(current_user, gate))
    return _secret_page(gate, secret, created=False)
