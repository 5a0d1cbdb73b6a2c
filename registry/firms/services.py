"""Registering and updating firms."""

from sqlalchemy import select

from registry.accounts.auth import own_firm_id
from registry.common.services import (
    add_audited,
    change_audited,
    ensure_unique,
    get_or_404,
    ids_named,
    not_found,
    one_named,
)
from registry.extensions import db
from registry.firms.models import Firm
from registry.firms.schemas import FirmSchema


def _snapshot(firm: Firm) -> dict:
    return FirmSchema(exclude=("warnings",)).dump(firm)


def get_firm(firm_id: int) -> Firm:
    return get_or_404(Firm, firm_id, "企业", "firm")


def visible_firm(actor, firm_id: int) -> Firm:
    """A firm the actor may see: a firm user only its own (another is simply not found)."""
    own = own_firm_id(actor)
    if own is not None and own != firm_id:
        raise not_found("企业", "firm")
    return get_firm(firm_id)


def create_firm(actor, data: dict) -> Firm:
    """Register a firm; a credit code may belong to one firm only."""
    _ensure_credit_code_free(data)
    return add_audited(actor, Firm(**data), "firm", _snapshot)


def update_firm(actor, firm: Firm, data: dict) -> Firm:
    _ensure_credit_code_free(data, exclude_id=firm.id)
    return change_audited(actor, firm, data, "firm", _snapshot)


def _ensure_credit_code_free(data: dict, exclude_id=None) -> None:
    code = data.get("credit_code")
    ensure_unique(Firm, Firm.credit_code, code, "credit_code", "统一社会信用代码", "credit_code", exclude_id)


def regions() -> list[str]:
    """The regions firms are in: the choices of an alert's region (an alert for no firm's region reaches
    no one) and the suggestions of a firm's form."""
    query = select(Firm.region).where(Firm.region.is_not(None)).distinct().order_by(Firm.region)
    return list(db.session.scalars(query))


def firms_query(args: dict, actor=None):
    """Firms matching the list filters, by name (a firm user: its own)."""
    query = select(Firm).order_by(Firm.name, Firm.id)
    own = own_firm_id(actor)
    if own is not None:
        query = query.where(Firm.id == own)
    if args.get("q"):
        query = query.where(Firm.name.contains(args["q"], autoescape=True))
    for key in ("credit_code", "industry", "performance_grade", "region", "in_planning_area"):
        if key in args:
            query = query.where(getattr(Firm, key) == args[key])
    return query


FIRM_PICKER = {
    "empty": ("请选择企业", "Choose the firm"),
    "none": ("找不到该企业，请从列表中选择", "No such firm: pick one"),
    "several": ("有多个同名企业，请输入统一社会信用代码", "Several firms have this name: type its credit code"),
}


def firm_named(text: str, field: str = "firm") -> Firm:
    """The one firm a form's picker names (by credit code or exact name), or a DomainError on `field`."""
    return get_firm(one_named(Firm, text, field, FIRM_PICKER))


def firm_ids_named(text: str) -> list[int]:
    """The firms a picker's value names (registry.common.services.ids_named)."""
    return ids_named(Firm, text)
