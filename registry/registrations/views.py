"""Pages: the public self-registration a driver reaches by a gate's QR code, the printable QR code, and
the bureau's review with the documents beside the fields."""

import secrets

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from itsdangerous import BadSignature, Signer, URLSafeSerializer
from markupsafe import Markup
from sqlalchemy import select

from registry.accounts.auth import EDITORS, own_firm_id
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.errors import DomainError, TooMany
from registry.common.forms import form_value, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.documents.models import DocumentKind
from registry.extensions import db
from registry.gates.models import Gate
from registry.identifiers.plates import normalise_plate
from registry.pictures.decoding import decode
from registry.pictures.store import thumbnail
from registry.pictures.uploads import check_photo, send_photo, stored_file
from registry.registrations import held, services
from registry.registrations.models import VehicleRegistration
from registry.registrations.schemas import registration_schema

bp = Blueprint("registration_pages", __name__)
FIELDS = [*services.FIELDS, "contact_phone"]


def _gate(code: str | None) -> Gate | None:
    return db.session.scalar(select(Gate).where(Gate.code == code)) if code else None


def _qr_signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="registration-qr")


def link_token(gate: Gate) -> str:
    """What a gate's QR code carries: its code signed under the platform's secret key (itsdangerous), so
    that a guessed or enumerated gate code opens no firm's or gate's name (a poster is printed again when
    SECRET_KEY changes)."""
    return _qr_signer().sign(gate.code).decode()


def _gate_of_link(token: str | None) -> Gate | None:
    """The gate a QR code's token names, if its signature holds; else no gate (the page stays generic)."""
    try:
        return _gate(_qr_signer().unsign(token).decode()) if token else None
    except BadSignature:
        return None


def _declared(form: dict) -> dict:
    data = registration_schema().load({k: v for k, v in form.items() if v != ""})
    data.pop("stage_source", None)
    return data


@bp.route("/register-truck", methods=["GET", "POST"])
def register_truck():
    """A driver (or a fleet) registers a truck from a phone, no login: it awaits the bureau's review."""
    token = request.values.get("gate")
    gate = _gate_of_link(token)
    errors, form, status = None, {}, 200
    if request.method == "POST":
        form = {key: request.form.get(key, "").strip() for key in FIELDS}
        sender = services.Sender(request.remote_addr or "unknown", _device())
        try:
            services.note_attempt(sender, normalise_plate(form["plate"]) or None)
            db.session.commit()  # counted, whatever becomes of it: before the photos are read or decoded
            photos = _photos()
            registration, errors = submit(lambda: services.submit(_declared(form), photos, sender, gate))
        except TooMany as exc:  # the limits are full (a flood costs little: no photo was read)
            db.session.rollback()
            errors = {"_": [exc.message]}
            page = render_template("registrations/form.html", form=form, errors=errors, gate=gate, gate_token=token)
            return page, 429, {"Retry-After": str(exc.extra.get("retry_after", 60))}
        if not errors:
            link = url_for(".status", token=status_token(registration), _external=True)
            return render_template("registrations/received.html", registration=registration, gate=gate, link=link)
        status = 422
        kept = _hold(photos)
    else:
        kept = {}
    page = render_template("registrations/form.html", form=form, errors=errors, gate=gate, gate_token=token, held=kept)
    return _with_device(make_response(page, status))


DEVICE_COOKIE = "reg_device"


def _device() -> str | None:
    """This phone's device cookie (a random name it was given on the form), if it has a well-formed one."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    return value if len(value) == 22 and value.replace("-", "").replace("_", "").isalnum() else None


def _with_device(response):
    """Give a phone its device cookie (for a year): the limits count registrations per phone, so that
    drivers sharing a gate's Wi-Fi do not lock each other out."""
    if _device() is None:
        response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=365 * 86400, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])  # fmt: skip
    return response


def status_token(registration) -> str:
    """What the receipt's status link carries: the registration's number, signed (a guessed number opens
    nothing)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="registration-status").dumps(registration.id)


@bp.get("/register-truck/status/<token>")
def status(token):
    """Where a driver finds out, later, whether the registration was approved (or why it was sent back)."""
    try:
        registration_id = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="registration-status").loads(token)
    except BadSignature:
        abort(404)
    registration = db.session.get(VehicleRegistration, int(registration_id))
    if registration is None:
        abort(404)
    return render_template("registrations/status.html", registration=registration)


def _photos() -> dict[DocumentKind, bytes]:
    """Each document's photo: a new one taken, else the one held from the form's last try."""
    photos = {}
    for kind in DocumentKind:
        upload = request.files.get(kind.value)
        data = upload.read() if upload else b""
        photos[kind] = data or held.held(request.form.get(f"held-{kind.value}")) or b""
    return {kind: data for kind, data in photos.items() if data}


def _hold(photos: dict[DocumentKind, bytes]) -> dict[str, str]:
    """The photos of a form sent back, held for the next try ({kind: token}); a photo that is itself
    refused (too large, not a picture) is not held: it is taken again."""
    kept = {}
    for kind, data in photos.items():
        try:
            check_photo(data, kind.value)
        except DomainError:
            continue
        kept[kind.value] = held.hold(data)
    return kept


@bp.get("/register-truck/held/<token>")
def held_photo(token):
    """The thumbnail of a photo held for a driver's form (shown beside its field)."""
    data = held.held(token)
    if data is None:
        abort(404)
    image, _ = decode(data)
    response = Response(thumbnail(image), mimetype="image/jpeg")
    response.cache_control.private = True
    return response


@bp.get("/gates/<code>/registration-qr")
@page_roles(*EDITORS, Role.FIRM)
def qr(code):
    """The QR code to print and post at a gate: it opens the self-registration page for that gate."""
    gate = _gate(code)
    own = own_firm_id(current_user)
    if gate is None or (own is not None and gate.firm_id != own):
        abort(404)
    link = url_for(".register_truck", gate=link_token(gate), _external=True)
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
    small = request.args.get("thumbnail") == "1"
    path, content_type = stored_file(document, small)
    return send_photo(path, content_type, small)
