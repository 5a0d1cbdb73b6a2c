"""Small helpers the feature services share."""

from sqlalchemy import select

from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError, NotFound
from registry.common.i18n import t
from registry.extensions import db


def get_or_404(model, ident, label_zh: str, label_en: str, field: str | None = None):
    """The row of `model` with primary key `ident`, or a NotFound naming the kind of thing only."""
    row = db.session.get(model, ident)
    if row is None:
        raise not_found(label_zh, label_en, field)
    return row


def not_found(label_zh: str, label_en: str, field: str | None = None) -> NotFound:
    """ "Not found" for what is missing or what the caller may not see, alike: no id, no owner."""
    return NotFound(t(f"{label_zh}不存在", f"{label_en} not found"), field)


def ensure_unique(model, column, value, field: str, label_zh: str, label_en: str, exclude_id=None):
    """Refuse a value another row already holds, naming that row."""
    if value is None:
        return
    query = select(model.id).where(column == value)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    existing = db.session.scalar(query)
    if existing is not None:
        raise Conflict(
            t(
                f"{label_zh} {value} 已登记（编号 {existing}）",
                f"{label_en} {value} is already registered (id {existing})",
            ),
            field,
            existing_id=existing,
        )


def apply_changes(row, data: dict) -> dict:
    """Set the attributes in `data` on `row`; return the previous values of those that changed."""
    before = {}
    for key, value in data.items():
        old = getattr(row, key)
        if old != value:
            before[key] = old
            setattr(row, key, value)
    return before


def add_audited(actor, row, entity: str, snapshot):
    """Add `row`, flush for its id, and audit its creation with `snapshot(row)`."""
    db.session.add(row)
    db.session.flush()
    record_change(actor, "create", entity, row.id, after=snapshot(row))
    return row


def change_audited(actor, row, data: dict, entity: str, snapshot):
    """Apply `data` to `row`; audit before and after when anything changed."""
    before = snapshot(row)
    if apply_changes(row, data):
        db.session.flush()
        record_change(actor, "update", entity, row.id, before=before, after=snapshot(row))
    return row


def ids_named(model, text: str) -> list[int]:
    """The rows (firms, construction units) a picker's value names: by unified social credit code,
    else by exact name (names need not be unique)."""
    text = text.strip()
    by_code = db.session.scalars(select(model.id).where(model.credit_code == text.upper())).all()
    return by_code or db.session.scalars(select(model.id).where(model.name == text)).all()


def one_named(model, text: str, field: str, messages: dict[str, tuple[str, str]]) -> int:
    """The one row a form's picker names, or a DomainError on `field` saying what to type: `messages`
    holds (Chinese, English) for "empty", "none" and "several"."""
    if not text.strip():
        raise DomainError(t(*messages["empty"]), field)
    ids = ids_named(model, text)
    if not ids:
        raise DomainError(t(*messages["none"]), field)
    if len(ids) > 1:
        raise DomainError(t(*messages["several"]), field)
    return ids[0]
