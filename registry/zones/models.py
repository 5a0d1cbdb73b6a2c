"""A restriction zone with its rule, the checkpoints that enforce it, and the permits that let a truck in.

A zone's rule lives with its drawing: the bureau edits both on one page, each change audited, and a case
keeps the zone's name and clause as they were. Time windows: a season (month-day to month-day, which
may run over the new year), hours (which may run over midnight) and alert levels (none: whatever the
alert); criteria left empty match every truck."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.audit.models import JSONDocument
from registry.common.models import Timestamps, UTCDateTime
from registry.extensions import db
from registry.gates.models import Gate

zone_checkpoints = Table(
    "zone_checkpoints",
    db.metadata,
    Column("zone_id", ForeignKey("restriction_zones.id", ondelete="CASCADE"), primary_key=True),
    Column("gate_id", ForeignKey("gates.id"), primary_key=True),
)


class RestrictionZone(Timestamps, db.Model):
    __tablename__ = "restriction_zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    clause: Mapped[str] = mapped_column(String(300))  # the notice and article the ban rests on
    polygon: Mapped[list] = mapped_column(JSONDocument, default=list)  # [[longitude, latitude], ...]
    roads: Mapped[list] = mapped_column(JSONDocument, default=list)  # the roads it names, as written
    season_from: Mapped[str | None] = mapped_column(String(5))  # "MM-DD"; None: all year
    season_to: Mapped[str | None] = mapped_column(String(5))
    hours_from: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" local; None: all day
    hours_to: Mapped[str | None] = mapped_column(String(5))
    alert_levels: Mapped[list] = mapped_column(JSONDocument, default=list)  # empty: whatever the alert
    vehicle_classes: Mapped[list] = mapped_column(JSONDocument, default=list)
    max_stage: Mapped[str | None] = mapped_column(String(2))  # banned at and below; None: every stage
    fuel_types: Mapped[list] = mapped_column(JSONDocument, default=list)
    origin: Mapped[str] = mapped_column(String(8), default="transit")  # transit, local, any
    local_prefixes: Mapped[list] = mapped_column(JSONDocument, default=list)  # e.g. ["晋H"]
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    checkpoints: Mapped[list[Gate]] = relationship(secondary=zone_checkpoints, order_by=Gate.name)


class ZonePermit(db.Model):
    """An electronic pass (电子通行证) or an exemption (豁免) for one plate: a zone (None: every zone), a
    route, a period of days and the hours it covers; issued and revoked by the police, each audited."""

    __tablename__ = "zone_permits"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="pass")  # pass, exemption
    plate: Mapped[str] = mapped_column(String(16), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("restriction_zones.id"))
    route: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    hours_from: Mapped[str | None] = mapped_column(String(5))
    hours_to: Mapped[str | None] = mapped_column(String(5))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    zone: Mapped[RestrictionZone | None] = relationship()
