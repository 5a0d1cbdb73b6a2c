"""A roadside station: where it is, what it measures, and how its software's exports read (its vendor's
column mapping, registry.sensing.mapping)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.common.models import Timestamps, UTCDateTime
from registry.extensions import db

KINDS = ("remote_sensing", "black_smoke")  # 遥感监测, 黑烟抓拍


class RoadsideStation(Timestamps, db.Model):
    __tablename__ = "roadside_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # remote_sensing, black_smoke
    road: Mapped[str | None] = mapped_column(String(100))  # the road and direction it watches
    latitude: Mapped[float | None] = mapped_column(Float)  # WGS-84 degrees
    longitude: Mapped[float | None] = mapped_column(Float)
    secret_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the push secret
    mapping_id: Mapped[int | None] = mapped_column(ForeignKey("sensing_mappings.id"))  # its CSV/XLSX columns
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
