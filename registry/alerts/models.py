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

    exemptions: Mapped[list["Exemption"]] = relationship(back_populates="alert")


class Exemption(Timestamps, db.Model):
    __tablename__ = "exemptions"
    __table_args__ = (UniqueConstraint("alert_id", "plate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    plate: Mapped[str] = mapped_column(String(10), index=True)
    reason: Mapped[str] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    alert: Mapped[Alert] = relationship(back_populates="exemptions")
