"""Writing the audit log; services call `record_change` in the same transaction as the change."""

from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.extensions import db


def record_change(actor, action: str, entity: str, entity_id, before=None, after=None) -> AuditEntry:
    """Add an audit row; `actor` is a User, or None for the system (CLI, gateway)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "username", None) or "system",
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


def history_of(entity: str, entity_id: int, limit: int = 50) -> list[AuditEntry]:
    """What was done to one record, newest first (a page shows who changed which field and when)."""
    query = select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
    return list(db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))


def changed_fields(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """(field, before, after) for each field an audited change altered; every field of a creation."""
    before, after = entry.before or {}, entry.after or {}
    keys = [k for k in after if k not in ("created_at", "updated_at", "id")]
    return [(k, before.get(k), after.get(k)) for k in keys if not before or before.get(k) != after.get(k)]
