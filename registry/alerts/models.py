"""Alerts issued by the city, received as data; exemptions approved per plate and alert."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.common.models import Timestamps, UTCDateTime, enum_type
from registry.extensions import db


class AlertLevel(StrEnum):
    YELLOW = "yellow"  # 黄色预警
    ORANGE = "orange"  # 橙色预警
    RED = "red"  # 红色预警


class Alert(Timestamps, db.Model):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[AlertLevel] = mapped_column(enum_type(AlertLevel, "alert_level"))
    region: Mapped[str | None] = mapped_column(String(64))  # empty = the whole district
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_early_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    document_no: Mapped[str | None] = mapped_column(String(100))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # withdrawn (撤销) before it began: it never takes effect, and stays listed with who and why
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    exemptions: Mapped[list["Exemption"]] = relationship(back_populates="alert")

    @property
    def effective_end(self) -> datetime:
        return min(self.ends_at, self.ended_early_at) if self.ended_early_at else self.ends_at

    def state(self, now: datetime) -> str:
        """withdrawn, scheduled (not begun), in_force, ended_early or ended."""
        if self.withdrawn_at is not None:
            return "withdrawn"
        if now < self.starts_at:
            return "scheduled"
        if now < self.effective_end:
            return "in_force"
        return "ended_early" if self.ended_early_at else "ended"


class Exemption(Timestamps, db.Model):
    __tablename__ = "exemptions"
    __table_args__ = (UniqueConstraint("alert_id", "plate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    plate: Mapped[str] = mapped_column(String(10), index=True)
    reason: Mapped[str] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    alert: Mapped[Alert] = relationship(back_populates="exemptions")
