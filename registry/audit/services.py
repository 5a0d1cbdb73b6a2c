"""Writing the audit log; services call `record_change` in the same transaction as the change."""

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
