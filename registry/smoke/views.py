"""Pages: 黑烟抓拍审核 — the queue of captures, oldest pending first, each with its plate and smoke pictures
side by side and its video; the police or the bureau confirm or dismiss it (on a phone as well)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from registry.accounts.auth import FIRM_READERS, READERS
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.forms import flash_errors, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.extensions import db
from registry.smoke import services
from registry.smoke.models import SmokeCapture

bp = Blueprint("smoke_pages", __name__, url_prefix="/roadside/smoke")


@bp.get("")
@page_roles(*FIRM_READERS)
def queue():
    args = {"status": request.args.get("status", ""), "plate": request.args.get("plate", "")}
    if current_user.role == Role.FIRM:
        args["status"] = "confirmed"
    listing = paginate(services.captures_query(args, current_user), 1, 20, request.args.get("cursor") or None)
    firm_view = current_user.role == Role.FIRM
    return render_template("smoke/queue.html", listing=listing, form=request.args,
                           may_review=current_user.role in READERS, firm_view=firm_view)  # fmt: skip


@bp.post("/<int:capture_id>/review")
@page_roles(*READERS)
def review(capture_id):
    capture = db.session.get(SmokeCapture, capture_id)
    if capture is None:
        abort(404)
    decision = request.form.get("decision", "")
    _, errors = submit(lambda: services.review_capture(current_user, capture, decision, request.form.get("note", "")))
    if errors:
        flash_errors(errors)
    elif decision == "confirmed":
        flash(t(f"已确认 {capture.plate} 的黑烟抓拍", f"Capture of {capture.plate} confirmed"))
    else:
        flash(t(f"已排除 {capture.plate} 的抓拍", f"Capture of {capture.plate} dismissed"))
    return redirect(request.referrer or url_for(".queue"))
