"""Public pages: verify a registration code (no login), and the printable label with its QR code."""

import segno
from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup

from registry.accounts.views import page_roles
from registry.machinery import photos, services
from registry.machinery.models import MachineryStatus, PhotoKind
from registry.machinery.verification import verify

bp = Blueprint("public_pages", __name__)


@bp.get("/verify")
def verify_form():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for(".verify_page", registration_code=code))
    return render_template("machinery/verify.html", answer=None)


@bp.get("/verify/<typed:registration_code>")
def verify_page(registration_code):
    """What an inspector sees after scanning a label: valid or not, no personal data."""
    answer = verify(registration_code)
    return render_template("machinery/verify.html", answer=answer), 200 if answer["status"] else 404


@bp.get("/verify/<typed:registration_code>/nameplate.jpg")
def nameplate(registration_code):
    """The nameplate photo's thumbnail of an approved registration, for the inspector to compare."""
    machinery = services.machinery_by_code(registration_code)
    if machinery is None or machinery.status != MachineryStatus.APPROVED:
        abort(404)
    path, content_type = photos.photo_file(machinery, PhotoKind.NAMEPLATE.value, small=True)
    return send_file(path, mimetype=content_type, max_age=3600)


@bp.get("/machinery/<int:machinery_id>/label")
@page_roles(*services.BUREAU, *services.OWN_UNIT)
def label(machinery_id):
    """A label to print and fix on the machine; its QR code opens the public verification page."""
    machinery = services.get_machinery_for(current_user, machinery_id)
    if not machinery.registration_code:
        return redirect(url_for("machinery_pages.detail", machinery_id=machinery.id))
    link = url_for(".verify_page", registration_code=machinery.registration_code, _external=True)
    qr = segno.make(link, error="m")
    svg = qr.svg_inline(scale=5, border=2)
    return render_template("machinery/label.html", m=machinery, qr=Markup(svg), link=link)
