"""Searching and reviewing violations. A firm user sees only its own gates' violations."""

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from registry.accounts.auth import own_firm_id
from registry.accounts.models import User
from registry.audit.services import record_change
from registry.cases.services import case_of, review_findings
from registry.common.errors import Conflict, DomainError
from registry.common.i18n import t
from registry.common.services import not_found
from registry.events.models import Violation, ViolationStatus
from registry.events.months import passes_shown
from registry.extensions import db
from registry.labels import label
from registry.violations.filters import by_pass

# sort -> the columns a list is ordered by, each ending with the id; every one matches an index
# (registry.events.models.Violation) so that a page is a walk of one index, at any depth.
ORDER = {
    "captured_at": (Violation.captured_at, Violation.id),
    "created_at": (Violation.created_at, Violation.id),
    "plate": (Violation.plate, Violation.captured_at, Violation.id),
    "id": (Violation.id,),
}


def violations_query(actor: User, args: dict):
    """Violations matching the filters, with what their rows show loaded alongside."""
    # The page is read from violations alone; what its rows show comes after, by id (a join to the
    # partitioned passes would be planned over every month for each page).
    query = select(Violation).options(joinedload(Violation.alert), joinedload(Violation.reviewed_by))
    return apply_filters(query, actor, args).order_by(*ordering(args))


def fill_violations(violations: list[Violation]) -> None:
    """Each violation's pass with its gate, verdict and pictures, read once for the page from the months
    it spans (registry.events.months)."""
    events = passes_shown({(v.plate_event_id, v.captured_at) for v in violations})
    for violation in violations:
        set_committed_value(violation, "plate_event", events.get(violation.plate_event_id))


def apply_filters(query, actor: User, args: dict):
    """The search's filters, on the violations' own columns only: no join to the passes is needed
    to find a page, and each filter has an index that ends with the time."""
    query = by_pass(query, Violation, actor, args)
    for key in ("rule", "severity"):
        if args.get(key):
            query = query.where(getattr(Violation, key) == args[key])
    return query


def ordering(args: dict) -> tuple:
    """ORDER BY for the search's sort: every column in the same direction (one index, read forward or
    backward)."""
    sort = args.get("sort") or "-captured_at"
    columns = ORDER[sort.lstrip("-")]
    return tuple(c.desc() if sort.startswith("-") else c.asc() for c in columns)


def get_violation_for(actor: User, violation_id: int) -> Violation:
    violation = db.session.scalar(select(Violation).where(Violation.id == violation_id))
    firm_id = own_firm_id(actor)
    if violation is None or (firm_id is not None and violation.firm_id != firm_id):
        raise not_found("违规记录", "violation")
    fill_violations([violation])
    return violation


def review_violation(actor: User, violation: Violation, status: ViolationStatus, note: str | None) -> Violation:
    """Review this finding of its pass's case (the case is decided when its last finding is)."""
    case = case_of(violation)
    if case is None or violation.status != ViolationStatus.OPEN:
        shown = label("violation_status", violation.status)
        raise Conflict(
            t(f"该记录已处理（{shown}），不能再次更改", f"the violation was already reviewed ({shown})"), "status"
        )
    before = {"status": violation.status.value, "note": violation.note}
    if status == ViolationStatus.OPEN:
        raise Conflict(t("请选择确认或驳回", "choose confirmed or dismissed"), "status")
    try:
        review_findings(actor, case, {violation.id: (status, note)})
    except ma.ValidationError as exc:  # the violation's own form has one note field
        raise DomainError(next(iter(exc.messages.values()))[0], "note") from None
    db.session.refresh(violation)
    after = {"status": status.value, "note": note, "case": case.plate_event_id}
    record_change(actor, "review", "violation", violation.id, before=before, after=after)
    return violation
