"""Pages for traffic police and the bureau: the review queue of cases, a case with its evidence, review."""

from functools import partial

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from marshmallow import ValidationError

from registry.accounts.auth import FIRM_READERS, READERS
from registry.accounts.views import page_roles
from registry.cases import services
from registry.cases.schemas import CaseQueryArgsSchema
from registry.common.errors import DomainError
from registry.common.forms import flatten
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.common.replica import reads_from_replica
from registry.events.evidence import evidence_jpeg, image_file
from registry.events.models import ViolationStatus
from registry.violations.reviewing import review_from_form

bp = Blueprint("case_pages", __name__, url_prefix="/cases")
FILTERS = tuple(field.data_key or name for name, field in CaseQueryArgsSchema().fields.items())


def _form() -> dict:
    """The queue's filters as asked; with none asked at all, the open cases (the work to do)."""
    asked = {k: v for k, v in request.args.items() if k in FILTERS}
    return asked if asked else {"status": ViolationStatus.OPEN.value}


@bp.get("")
@page_roles(*FIRM_READERS)
@reads_from_replica
def queue():
    form = _form()
    listing, errors = None, None
    try:
        args = CaseQueryArgsSchema().load({k: v for k, v in form.items() if v})
        listing = paginate(services.cases_query(current_user, args), 1, 30, request.args.get("cursor") or None)
    except ValidationError as exc:
        errors = flatten(exc.messages)
    except DomainError as exc:  # a cursor that is not one
        errors = {exc.field or "_": [exc.message]}
    return render_template("cases/queue.html", listing=listing, form=form, errors=errors)


@bp.get("/<int:case_id>")
@page_roles(*FIRM_READERS)
def detail(case_id, errors=None, status=200):
    case = services.get_case_for(current_user, case_id)
    others = [services.related_pass(case, pass_id) for pass_id in services.related_passes(case)]
    return render_template("cases/detail.html", case=case, errors=errors, others=others), status


@bp.post("/<int:case_id>/review")
@page_roles(*READERS)
def review(case_id):
    case = services.get_case_for(current_user, case_id)
    decision, errors, status = review_from_form(request.form, partial(services.review_case, current_user, case))
    if errors:
        return detail(case_id, errors, status)
    flash(t("案件已确认", "Case confirmed") if decision == "confirmed" else t("案件已驳回", "Case dismissed"))
    following = services.next_open_case(current_user, case)
    if following is not None:
        return redirect(url_for(".detail", case_id=following))
    return redirect(url_for(".queue"))


@bp.get("/<int:case_id>/images/<int:image_id>")
@page_roles(*FIRM_READERS)
def image(case_id, image_id):
    case = services.get_case_for(current_user, case_id)
    path, content_type = image_file(case.plate_event, image_id)
    return send_file(path, mimetype=content_type, max_age=3600)


@bp.get("/<int:case_id>/related/<int:pass_id>/evidence.jpg")
@page_roles(*READERS)
def related_evidence(case_id, pass_id):
    """The other pass a cloned-plate finding compares this one with (any firm's: police and bureau)."""
    case = services.get_case_for(current_user, case_id)
    return Response(evidence_jpeg(services.related_pass(case, pass_id)), mimetype="image/jpeg")


@bp.get("/<int:case_id>/evidence.jpg")
@page_roles(*FIRM_READERS)
def evidence(case_id):
    case = services.get_case_for(current_user, case_id)
    return Response(evidence_jpeg(case.plate_event), mimetype="image/jpeg")
