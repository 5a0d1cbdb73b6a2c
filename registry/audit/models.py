"""One row per change a user or a process made."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from registry.common.models import UTCDateTime
from registry.common.time import utcnow
from registry.extensions import db

JSONDocument = JSON().with_variant(JSONB(), "postgresql")
# The same, where Python's None is SQL NULL (no value stored) rather than the JSON document `null`.
OptionalJSONDocument = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict | None] = mapped_column(JSONDocument)
    after: Mapped[dict | None] = mapped_column(JSONDocument)
