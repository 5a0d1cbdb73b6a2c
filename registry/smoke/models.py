"""A black-smoke capture and its review (待审核 -> 已确认 / 已排除)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import User
from registry.audit.models import OptionalJSONDocument
from registry.common.models import BigId, UTCDateTime
from registry.common.time import utcnow
from registry.extensions import db
from registry.stations.models import RoadsideStation

STATUSES = ("pending", "confirmed", "dismissed")  # 待审核, 已确认, 已排除


class SmokeCapture(db.Model):
    __tablename__ = "smoke_captures"
    __table_args__ = (
        UniqueConstraint("station_id", "captured_at", "lane", "plate", name="uq_smoke_captures_capture"),
        Index("ix_smoke_captures_status_time", "status", "captured_at"),
        Index("ix_smoke_captures_plate_time", "plate", "captured_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("roadside_stations.id"))
    lane: Mapped[str] = mapped_column(String(8), default="")
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    plate: Mapped[str] = mapped_column(String(16))
    plate_color: Mapped[str | None] = mapped_column(String(16))
    vehicle_type: Mapped[str | None] = mapped_column(String(40))
    grade: Mapped[int] = mapped_column(SmallInteger)  # Ringelmann 0-5 as the camera graded it
    threshold: Mapped[int] = mapped_column(SmallInteger)  # the station's own capture threshold
    pictures: Mapped[dict | None] = mapped_column(OptionalJSONDocument)  # {"plate": ref, "smoke": ref, ...}
    video_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    station: Mapped[RoadsideStation] = relationship()
    reviewed_by: Mapped[User | None] = relationship()
