"""Registering and updating firms."""

from sqlalchemy import select

from registry.audit.services import record_change
from registry.common.services import apply_changes, ensure_unique, get_or_404
from registry.extensions import db
from registry.firms.models import Firm
from registry.firms.schemas import FirmSchema


def _snapshot(firm: Firm) -> dict:
    return FirmSchema(exclude=("warnings",)).dump(firm)


def get_firm(firm_id: int) -> Firm:
    return get_or_404(Firm, firm_id, "企业", "firm")


def create_firm(actor, data: dict) -> Firm:
    """Register a firm; a credit code may belong to one firm only."""
    ensure_unique(Firm, Firm.credit_code, data.get("credit_code"), "credit_code", "统一社会信用代码", "credit_code")
    firm = Firm(**data)
    db.session.add(firm)
    db.session.flush()
    record_change(actor, "create", "firm", firm.id, after=_snapshot(firm))
    return firm


def update_firm(actor, firm: Firm, data: dict) -> Firm:
    ensure_unique(
        Firm,
        Firm.credit_code,
        data.get("credit_code"),
        "credit_code",
        "统一社会信用代码",
        "credit_code",
        exclude_id=firm.id,
    )
    before = _snapshot(firm)
    if apply_changes(firm, data):
        db.session.flush()
        record_change(actor, "update", "firm", firm.id, before=before, after=_snapshot(firm))
    return firm


def firms_query(args: dict):
    """Firms matching the list filters, by name."""
    query = select(Firm).order_by(Firm.name, Firm.id)
    if args.get("q"):
        query = query.where(Firm.name.contains(args["q"], autoescape=True))
    for key in ("credit_code", "industry", "performance_grade", "region", "in_planning_area"):
        if key in args:
            query = query.where(getattr(Firm, key) == args[key])
    return query
