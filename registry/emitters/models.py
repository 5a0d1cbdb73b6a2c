"""A truck on the suspected high-emitter list, with the evidence that put it there; one listing open per
plate at a time, cleared by a person who says what was checked (a roadside check passed, a repair)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from registry.audit.models import JSONDocument
from registry.common.models import UTCDateTime
from registry.extensions import db


class HighEmitter(db.Model):
    __tablename__ = "high_emitters"
    __table_args__ = (
        Index(
            "ix_high_emitters_listed_plate",
            "plate",
            unique=True,
            postgresql_where=text("cleared_at IS NULL"),
            sqlite_where=text("cleared_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(16), index=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"), index=True)
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reasons: Mapped[list] = mapped_column(JSONDocument, default=list)  # codes: repeat:opacity, smoke, ...
    evidence: Mapped[list] = mapped_column(JSONDocument, default=list)  # [{kind, id, at, pollutant}, ...]
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id"))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    clear_note: Mapped[str | None] = mapped_column(Text)
