"""Pages for traffic police and the bureau: search violations, open one with its evidence, review it."""

from functools import partial

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from marshmallow import ValidationError

from registry.accounts.auth import FIRM_READERS, READERS
from registry.accounts.views import page_roles
from registry.common.errors import DomainError
from registry.common.forms import flatten
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.common.replica import reads_from_replica
from registry.events.evidence import evidence_jpeg, image_file
from registry.pickers.services import resolve_names
from registry.violations import exports, services
from registry.violations.reviewing import review_from_form
from registry.violations.schemas import ViolationQueryArgsSchema

bp = Blueprint("violation_pages", __name__, url_prefix="/violations")
FILTERS = tuple(field.data_key or name for name, field in ViolationQueryArgsSchema().fields.items())


def _args() -> tuple[dict, dict | None]:
    raw = {k: v for k, v in request.args.items() if k in FILTERS and v}
    try:
        return ViolationQueryArgsSchema().load(raw), None
    except ValidationError as exc:
        return {}, flatten(exc.messages)


@bp.get("")
@page_roles(*FIRM_READERS)
@reads_from_replica
def search():
    args, errors = _args()
    args, hints = resolve_names(current_user, args)
    page = max(request.args.get("page", 1, type=int), 1)
    cursor = request.args.get("cursor") or None
    listing = None
    if not errors:
        try:
            listing = paginate(
                services.violations_query(current_user, args), page, 50, cursor, services.fill_violations
            )
        except DomainError as exc:  # a cursor that is not one
            errors = {exc.field or "_": [exc.message]}
    return render_template(
        "violations/search.html", listing=listing, form=request.args, errors=errors, page=page, hints=hints
    )


@bp.get("/export.<any(csv, xlsx):fmt>")
@page_roles(*FIRM_READERS)
@reads_from_replica
def export(fmt):
    args, errors = _args()
    if errors:
        return redirect(url_for(".search", **request.args))
    args, _ = resolve_names(current_user, args)
    return exports.violations_export(current_user, args, fmt)


@bp.get("/<int:violation_id>")
@page_roles(*FIRM_READERS)
def detail(violation_id, errors=None, status=200):
    violation = services.get_violation_for(current_user, violation_id)
    return render_template("violations/detail.html", v=violation, errors=errors), status


@bp.post("/<int:violation_id>/review")
@page_roles(*READERS)
def review(violation_id):
    """Confirm or dismiss a violation: its case, every finding of its pass, at once."""
    violation = services.get_violation_for(current_user, violation_id)
    decision, errors, status = review_from_form(
        request.form, partial(services.review_violation, current_user, violation)
    )
    if errors:
        return detail(violation_id, errors, status)
    flash(t("已确认违规", "Violation confirmed") if decision == "confirmed" else t("已驳回", "Violation dismissed"))
    return redirect(url_for(".detail", violation_id=violation_id))


@bp.get("/<int:violation_id>/images/<int:image_id>")
@page_roles(*FIRM_READERS)
def image(violation_id, image_id):
    violation = services.get_violation_for(current_user, violation_id)
    path, content_type = image_file(violation.plate_event, image_id)
    return send_file(path, mimetype=content_type, max_age=3600)


@bp.get("/<int:violation_id>/evidence.jpg")
@page_roles(*FIRM_READERS)
def evidence(violation_id):
    violation = services.get_violation_for(current_user, violation_id)
    return Response(evidence_jpeg(violation.plate_event), mimetype="image/jpeg")
