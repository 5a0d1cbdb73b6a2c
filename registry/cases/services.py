"""Searching and reviewing cases. A firm user sees only its own gates' cases. A review decides each
finding of the pass (confirm or dismiss, with what was checked); the case's status follows from them."""

import marshmallow as ma
from sqlalchemy import literal, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from registry.accounts.auth import own_firm_id
from registry.accounts.models import User
from registry.audit.services import record_change
from registry.cases.models import Case
from registry.common.errors import Conflict
from registry.common.i18n import t
from registry.common.services import not_found
from registry.common.time import utcnow
from registry.events.models import PlateEvent, Severity, Violation, ViolationStatus
from registry.events.months import passes_shown
from registry.extensions import db
from registry.labels import label
from registry.uplink.outbox import forward_pass
from registry.violations.filters import by_pass

# sort -> the columns a list is ordered by, each ending with the pass; each matches an index.
ORDER = {
    "captured_at": (Case.captured_at, Case.plate_event_id),
    "plate": (Case.plate, Case.captured_at, Case.plate_event_id),
}


def cases_query(actor: User, args: dict):
    """Cases matching the filters, with their reviewer; what else a row shows, `fill_cases` loads for the
    page."""
    query = select(Case).options(joinedload(Case.reviewed_by))
    return apply_filters(query, actor, args).order_by(*ordering(args))


def fill_cases(cases: list[Case]) -> None:
    """What a page of cases shows (the pass and its gate, verdict and pictures, the findings and their
    alerts), read in one statement for the page, from the months it spans only (registry.events.months)."""
    events = passes_shown([(case.plate_event_id, case.captured_at) for case in cases], findings=True)
    for case in cases:
        event = events.get(case.plate_event_id)
        set_committed_value(case, "plate_event", event)
        set_committed_value(case, "violations", event.violations if event else [])


def apply_filters(query, actor: User, args: dict):
    """The queue's filters, on the cases' own columns (a rule: one of the case's rules)."""
    query = by_pass(query, Case, actor, args)
    if args.get("decision"):
        query = query.where(Case.decision == args["decision"])
    if args.get("rule"):
        query = query.where(has_rule(args["rule"]))
    return query


def has_rule(rule: str):
    """A case with a finding of `rule`, by its own list of rules (which the firm's and gate's indexes
    carry): never cut, as every rule code together fits in it (tests/test_lists_at_scale.py)."""
    return (literal(",") + Case.rules + literal(",")).contains(f",{rule},", autoescape=True)


def ordering(args: dict) -> tuple:
    sort = args.get("sort") or "-captured_at"
    columns = ORDER[sort.lstrip("-")]
    return tuple(c.desc() if sort.startswith("-") else c.asc() for c in columns)


def get_case_for(actor: User, case_id: int) -> Case:
    case = db.session.scalar(select(Case).where(Case.plate_event_id == case_id))
    own = own_firm_id(actor)
    if case is None or (own is not None and case.firm_id != own):
        raise not_found("案件", "case")
    fill_cases([case])
    return case


def case_of(violation: Violation) -> Case | None:
    return db.session.scalar(
        select(Case).where(Case.plate_event_id == violation.plate_event_id, Case.captured_at == violation.captured_at)
    )


def review_findings(
    actor: User, case: Case, decisions: dict[int, tuple[ViolationStatus, str | None]], note: str | None = None
) -> Case:
    """Confirm or dismiss findings of an open case, each with its own note: `decisions` maps a violation
    (finding) id to (status, note). A dismissal needs a note, and so does confirming a finding that is a
    question for review (severity review: a suspected cloned plate, a colour question): what was checked
    is said for each. The case stays open while a finding is; then it is confirmed when any finding was,
    else dismissed. Audited per case with each finding's outcome; the higher platforms learn it."""
    if case.status != ViolationStatus.OPEN:
        shown = label("violation_status", case.status)
        raise Conflict(
            t(f"该案件已处理（{shown}），不能再次更改", f"the case was already reviewed ({shown})"), "status"
        )
    open_findings = {v.id: v for v in case.violations if v.status == ViolationStatus.OPEN}
    problems = {}
    for violation_id, (status, why) in decisions.items():
        violation = open_findings.get(violation_id)
        field = f"finding-{violation_id}"
        if violation is None:
            problems[field] = [t("该违规判定不属于本案件或已处理", "not an open finding of this case")]
        elif status not in (ViolationStatus.CONFIRMED, ViolationStatus.DISMISSED):
            problems[field] = [t("请选择确认或驳回", "choose confirm or dismiss")]
        elif status == ViolationStatus.DISMISSED and not why:
            problems[field] = [t("驳回须写明理由", "a dismissal needs a note")]
        elif violation.severity == Severity.REVIEW and status == ViolationStatus.CONFIRMED and not why:
            problems[field] = [
                t("确认待复核事项须写明核实情况", "confirming a question for review needs what was checked")
            ]
    if not decisions:
        problems["status"] = [t("请对每项违规判定选择确认或驳回", "confirm or dismiss each finding")]
    if problems:
        raise ma.ValidationError(problems)
    now = utcnow()
    before = {"status": case.status.value, "note": case.note}
    for violation_id, (status, why) in decisions.items():
        violation = open_findings[violation_id]
        violation.status, violation.note = status, why
        violation.reviewed_by_id, violation.reviewed_at, violation.updated_at = actor.id, now, now
    statuses = [v.status for v in case.violations]
    if ViolationStatus.OPEN not in statuses:
        confirmed = ViolationStatus.CONFIRMED in statuses
        case.status = ViolationStatus.CONFIRMED if confirmed else ViolationStatus.DISMISSED
        case.reviewed_by_id, case.reviewed_at = actor.id, now
    if note is not None:
        case.note = note
    db.session.flush()
    after = {
        "status": case.status.value,
        "note": case.note,
        "findings": {str(i): [status.value, why] for i, (status, why) in decisions.items()},
    }
    record_change(actor, "review", "case", case.plate_event_id, before=before, after=after)
    forward_pass(case.plate_event_id, case.captured_at)  # the higher platforms learn the outcome
    return case


def review_case(actor: User, case: Case, status: ViolationStatus, note: str | None) -> Case:
    """The same decision and note for every open finding of the case (the API's short form): the
    rules for notes hold for each (review_findings)."""
    if status == ViolationStatus.OPEN:
        raise Conflict(t("请选择确认或驳回", "choose confirmed or dismissed"), "status")
    decisions = {v.id: (status, note) for v in case.violations if v.status == ViolationStatus.OPEN}
    return review_findings(actor, case, decisions, note)


def outcome_words(case: Case, decisions: dict) -> str:
    """What a review did, in words: the plate and each finding confirmed or dismissed."""
    by_id = {v.id: v for v in case.violations}
    parts = []
    for status in (ViolationStatus.CONFIRMED, ViolationStatus.DISMISSED):
        rules = [label("rule", by_id[i].rule) for i, (chosen, _) in decisions.items() if chosen == status]
        if rules:
            word = label("violation_status", status)
            parts.append(
                t(f"{word} {len(rules)} 项（{'、'.join(rules)}）", f"{word} {len(rules)} ({', '.join(rules)})")
            )
    plate = case.plate or t("无牌车", "no plate")
    return t(f"{plate}：{'，'.join(parts)}", f"{plate}: {'; '.join(parts)}")


def next_open_case(actor: User, after: Case) -> int | None:
    """The open case after this one in the queue's order (newest first), for review one after another."""
    query = apply_filters(select(Case.plate_event_id), actor, {"status": ViolationStatus.OPEN})
    query = query.where(
        (Case.captured_at < after.captured_at)
        | ((Case.captured_at == after.captured_at) & (Case.plate_event_id < after.plate_event_id))
    )
    return db.session.scalar(query.order_by(*ordering({})).limit(1))


def related_passes(case: Case) -> list[int]:
    """The passes its findings compare this one with (a cloned plate's other read)."""
    findings = case.plate_event.verdict.findings if case.plate_event.verdict else []
    return list(dict.fromkeys(f["related_pass_id"] for f in findings if f.get("related_pass_id")))


def related_pass(case: Case, pass_id: int) -> PlateEvent:
    """A pass a finding of this case names; any other is not found."""
    found = db.session.get(PlateEvent, pass_id) if pass_id in related_passes(case) else None
    if found is None:
        raise not_found("过车记录", "pass")
    return found
