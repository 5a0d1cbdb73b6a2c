"""Pages for traffic police and the bureau: the review queue of cases, a case with its evidence, review."""

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from marshmallow import ValidationError

from registry.accounts.auth import FIRM_READERS, READERS
from registry.accounts.views import page_roles
from registry.cases import services
from registry.cases.schemas import CaseQueryArgsSchema
from registry.common.errors import DomainError
from registry.common.forms import flatten, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.common.replica import reads_from_replica
from registry.events.evidence import evidence_jpeg, image_file
from registry.events.models import ViolationStatus
from registry.pickers.services import resolve_names

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
    listing, errors, hints = None, None, []
    try:
        args = CaseQueryArgsSchema().load({k: v for k, v in form.items() if v})
        args, hints = resolve_names(current_user, args)
        cursor = request.args.get("cursor") or None
        listing = paginate(services.cases_query(current_user, args), 1, 30, cursor, services.fill_cases)
    except ValidationError as exc:
        errors = flatten(exc.messages)
    except DomainError as exc:  # a cursor that is not one
        errors = {exc.field or "_": [exc.message]}
    return render_template("cases/queue.html", listing=listing, form=form, errors=errors, hints=hints)


@bp.get("/<int:case_id>")
@page_roles(*FIRM_READERS)
def detail(case_id, errors=None, status=200, form=None):
    case = services.get_case_for(current_user, case_id)
    others = [services.related_pass(case, pass_id) for pass_id in services.related_passes(case)]
    return render_template("cases/detail.html", case=case, errors=errors, others=others, form=form), status


@bp.post("/<int:case_id>/review")
@page_roles(*READERS)
def review(case_id):
    """Each open finding confirmed or dismissed with its note; then on to the next open case, saying
    what was done to which plate."""
    case = services.get_case_for(current_user, case_id)
    decisions, problems = _decisions(case)
    errors = problems
    if not problems:
        _, errors = submit(lambda: services.review_findings(current_user, case, decisions))
    if errors:
        return detail(case_id, errors, 409 if "status" in errors else 422, request.form)
    done = services.outcome_words(case, decisions)
    following = services.next_open_case(current_user, case)
    if following is None:
        flash(t(f"已复核 {done}。待复核案件已全部处理", f"Reviewed {done}. No open case is left"))
        return redirect(url_for(".queue"))
    flash(t(f"已复核 {done}。以下是下一件待处理案件", f"Reviewed {done}. Here is the next open case"))
    return redirect(url_for(".detail", case_id=following))


def _decisions(case) -> tuple[dict, dict]:
    """The form's decision and note for each open finding; a finding left undecided is said beside it."""
    decisions, problems = {}, {}
    for violation in case.violations:
        if violation.status != ViolationStatus.OPEN:
            continue
        chosen = request.form.get(f"decision-{violation.id}", "")
        note = request.form.get(f"note-{violation.id}", "").strip() or None
        if chosen not in ("confirmed", "dismissed"):
            problems[f"finding-{violation.id}"] = [t("请选择确认或驳回", "Choose confirm or dismiss")]
        else:
            decisions[violation.id] = (ViolationStatus(chosen), note)
    return decisions, problems


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
