"""What is kept of trucks' remote emission terminals: each terminal (by VIN) with its truck, its keys and
its current state, and every frame as received.

A terminal's VIN finds the registered truck; a terminal nobody registered is kept too, flagged, its data
stored all the same. The frames are the record: their bytes as received, keyed by what the terminal
says of them (VIN, kind, collection time, serial), so that a resend or an overlapping offline backlog
finds its frame already kept and changes nothing. On PostgreSQL the frames are partitioned by the local
day of their collection time (registry.obd.days), kept for OBD_RAW_DAYS days."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.audit.models import JSONDocument, OptionalJSONDocument
from registry.common.models import UTCDateTime
from registry.extensions import db
from registry.vehicles.models import Vehicle


class ObdTerminal(db.Model):
    __tablename__ = "obd_terminals"

    id: Mapped[int] = mapped_column(primary_key=True)
    vin: Mapped[str] = mapped_column(String(17), unique=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"), index=True)
    # registered by the bureau or the truck's firm; a terminal first seen on the wire is not
    registered: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # activation (HJ 1239, command 0x07): the security chip and its SM2 public key (x || y)
    chip_id: Mapped[str | None] = mapped_column(String(16))
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    iccid: Mapped[str | None] = mapped_column(String(20))
    software_version: Mapped[int | None] = mapped_column(SmallInteger)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the current state: what its newest data said (a late frame never takes it back)
    last_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    position_valid: Mapped[bool | None] = mapped_column(Boolean)
    last_fix_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the newest sample with a valid fix
    speed: Mapped[float | None] = mapped_column(Float)
    mil: Mapped[bool | None] = mapped_column(Boolean)
    fault_codes: Mapped[list | None] = mapped_column(OptionalJSONDocument)
    urea_level: Mapped[float | None] = mapped_column(Float)
    nox_upstream: Mapped[float | None] = mapped_column(Float)
    nox_downstream: Mapped[float | None] = mapped_column(Float)
    scr_inlet_temperature: Mapped[float | None] = mapped_column(Float)
    scr_outlet_temperature: Mapped[float | None] = mapped_column(Float)
    dpf_pressure_difference: Mapped[float | None] = mapped_column(Float)
    odometer: Mapped[float | None] = mapped_column(Float)
    signature: Mapped[str | None] = mapped_column(String(10))  # of its newest data (registry.obd.protocol.signing)
    tamper_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    vehicle: Mapped[Vehicle | None] = relationship()


class ObdFrame(db.Model):
    """A frame as received, with what its header and data unit say of it."""

    __tablename__ = "obd_frames"
    __partition_time__ = "collected_at"

    vin: Mapped[str] = mapped_column(String(17), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # data (real-time or resend), login, ...
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)  # the data unit's time
    serial: Mapped[int] = mapped_column(Integer, primary_key=True)  # HJ: the unit's; GB: its first information's
    command: Mapped[int] = mapped_column(SmallInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    layout: Mapped[str | None] = mapped_column(String(8))  # gb17691 or hj1239, for data
    signature: Mapped[str | None] = mapped_column(String(10))  # verified, mismatch, no_key, unsigned
    samples: Mapped[int] = mapped_column(SmallInteger, default=0)  # diesel data streams in it
    raw: Mapped[bytes] = mapped_column(LargeBinary)  # as received, packed (registry.obd.protocol.packing)


class ObdAlarm(db.Model):
    """An alarm of a terminal's data (registry.obd.alarms): open from the frame that raised it until one
    that clears it; `evidence` names the frames it rests on (collection time and serial), the first and
    the latest few."""

    __tablename__ = "obd_alarms"
    __table_args__ = (
        Index(
            "ix_obd_alarms_open",
            "vin",
            "kind",
            unique=True,
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
        Index("ix_obd_alarms_opened_at", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vin: Mapped[str] = mapped_column(String(17))
    kind: Mapped[str] = mapped_column(String(20))  # mil, fault_codes, urea_low, urea_empty, nox_high, ...
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    detail: Mapped[dict | None] = mapped_column(OptionalJSONDocument)
    evidence: Mapped[list] = mapped_column(JSONDocument)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id"))


class ObdDay(db.Model):
    """A truck's day of data (the local day of its frames), summed as frames are kept
    (registry.obd.summary): kept as long as the ledger, when the frames themselves are gone."""

    __tablename__ = "obd_days"

    vin: Mapped[str] = mapped_column(String(17), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    samples: Mapped[int] = mapped_column(Integer, default=0)
    frames: Mapped[int] = mapped_column(Integer, default=0)
    frame_bytes: Mapped[int] = mapped_column(BigInteger, default=0)  # the frames as received
    minutes: Mapped[bytes] = mapped_column(LargeBinary)  # 1,440 bits: the minutes with data
    first_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    odometer_low: Mapped[float | None] = mapped_column(Float)
    odometer_high: Mapped[float | None] = mapped_column(Float)
    engine_seconds: Mapped[int] = mapped_column(Integer, default=0)
    warm_samples: Mapped[int] = mapped_column(Integer, default=0)
    nox_up_warm: Mapped[float] = mapped_column(Float, default=0.0)
    nox_down_warm: Mapped[float] = mapped_column(Float, default=0.0)
    nox_down_histogram: Mapped[list] = mapped_column(JSONDocument)
    urea_lowest: Mapped[float | None] = mapped_column(Float)
    mil_seconds: Mapped[int] = mapped_column(Integer, default=0)
