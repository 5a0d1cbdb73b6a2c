"""Pages: the public self-registration a driver reaches by a gate's QR code, the printable QR code, and
the bureau's review with the documents beside the fields."""

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from registry.accounts.auth import EDITORS, own_firm_id
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.forms import form_value, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.documents.models import DocumentKind
from registry.extensions import db
from registry.gates.models import Gate
from registry.identifiers.plates import normalise_plate
from registry.pictures.uploads import stored_file
from registry.registrations import services
from registry.registrations.schemas import registration_schema

bp = Blueprint("registration_pages", __name__)
FIELDS = [*services.FIELDS, "contact_phone"]


def _gate(code: str | None) -> Gate | None:
    return db.session.scalar(select(Gate).where(Gate.code == code)) if code else None


def _declared(form: dict) -> dict:
    data = registration_schema().load({k: v for k, v in form.items() if v != ""})
    data.pop("stage_source", None)
    return data


@bp.route("/register-truck", methods=["GET", "POST"])
def register_truck():
    """A driver (or a fleet) registers a truck from a phone, no login: it awaits the bureau's review."""
    gate = _gate(request.values.get("gate"))
    errors, form, status = None, {}, 200
    if request.method == "POST":
        form = {key: request.form.get(key, "").strip() for key in FIELDS}
        photos = {kind: request.files[kind.value].read() for kind in DocumentKind if kind.value in request.files}
        address = request.remote_addr or "unknown"
        wait = services.wait_before_next(address, normalise_plate(form["plate"]) or None)
        if wait:  # before the photos are decoded: a flood costs little
            errors = {"_": [services.too_many(wait)]}
            page = render_template("registrations/form.html", form=form, errors=errors, gate=gate)
            return page, 429, {"Retry-After": str(wait)}
        registration, errors = submit(lambda: services.submit(_declared(form), photos, address, gate))
        if not errors:
            return render_template("registrations/received.html", registration=registration, gate=gate)
        status = 422
    return render_template("registrations/form.html", form=form, errors=errors, gate=gate), status


@bp.get("/gates/<code>/registration-qr")
@page_roles(*EDITORS, Role.FIRM)
def qr(code):
    """The QR code to print and post at a gate: it opens the self-registration page for that gate."""
    gate = _gate(code)
    own = own_firm_id(current_user)
    if gate is None or (own is not None and gate.firm_id != own):
        abort(404)
    link = url_for(".register_truck", gate=gate.code, _external=True)
    svg = segno.make(link, error="m").svg_inline(scale=6, border=2)
    return render_template("registrations/qr.html", gate=gate, qr=Markup(svg), link=link)


@bp.get("/registrations")
@page_roles(*EDITORS)
def queue():
    listing = paginate(services.registrations_query(), max(request.args.get("page", 1, type=int), 1), 50)
    return render_template("registrations/queue.html", listing=listing)


@bp.get("/registrations/<int:registration_id>")
@page_roles(*EDITORS)
def review(registration_id, errors=None, form=None, status=200):
    registration = services.get_registration(registration_id)
    shown = form or {key: form_value(getattr(registration, key)) for key in FIELDS}
    return render_template("registrations/review.html", r=registration, form=shown, errors=errors), status


@bp.post("/registrations/<int:registration_id>/approve")
@page_roles(*EDITORS)
def approve(registration_id):
    registration = services.get_registration(registration_id)
    form = {key: request.form.get(key, "").strip() for key in FIELDS}

    def corrected():
        read = _declared(form)
        return {key: value for key, value in read.items() if getattr(registration, key) != value}

    vehicle, errors = submit(lambda: services.approve(current_user, registration, corrected()))
    if errors:
        return review(registration_id, errors, form, 422)
    flash(t(f"已登记车辆 {vehicle.plate}，排放阶段已核实", f"{vehicle.plate} registered, stage verified"))
    return redirect(url_for(".queue"))


@bp.post("/registrations/<int:registration_id>/reject")
@page_roles(*EDITORS)
def reject(registration_id):
    registration = services.get_registration(registration_id)
    note = request.form.get("note", "").strip()
    if not note:
        return review(registration_id, {"note": [t("请说明退回原因", "Say why it is sent back")]}, None, 422)
    _, errors = submit(lambda: services.reject(current_user, registration, note[:500]))
    if errors:
        return review(registration_id, errors, None, 422)
    flash(t("已退回", "Sent back"))
    return redirect(url_for(".queue"))


@bp.get("/registrations/<int:registration_id>/documents/<int:document_id>")
@page_roles(*EDITORS)
def document(registration_id, document_id):
    document = services.document_of(services.get_registration(registration_id), document_id)
    path, content_type = stored_file(document, request.args.get("thumbnail") == "1")
    return send_file(path, mimetype=content_type, max_age=3600)
