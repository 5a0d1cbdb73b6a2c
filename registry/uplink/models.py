"""The outbox (uplink_records) and the platforms it is forwarded to, each with its cursor."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, FetchedValue, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.common.models import BigId, UTCDateTime
from registry.common.time import utcnow
from registry.extensions import db


class UplinkRecord(db.Model):
    """One record to forward: a pass as stored or changed by a transaction. Its place in the order is
    (tx_id, id): on PostgreSQL tx_id is the writing transaction's id (a server default), so that the
    relay reads only rows of transactions that have all ended (registry.uplink.outbox); on SQLite,
    with one writer at a time, it is 0 and the id alone orders the rows."""

    __tablename__ = "uplink_records"
    __table_args__ = (Index("ix_uplink_records_position", "tx_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tx_id: Mapped[int] = mapped_column(BigInteger, server_default=FetchedValue())  # set by the database (0024)
    kind: Mapped[str] = mapped_column(String(16))  # pass
    # No foreign key: the outbox outlives nothing it names for long, and passes are partitioned.
    plate_event_id: Mapped[int] = mapped_column(BigInteger)
    pass_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the pass's time: its month's partition
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UplinkTarget(db.Model):
    """A higher platform (the city's or the province's) and how far it has been sent the outbox."""

    __tablename__ = "uplink_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    transport: Mapped[str] = mapped_column(String(20), default="https_json")
    url: Mapped[str] = mapped_column(String(500))
    token: Mapped[str] = mapped_column(String(500))  # the target's credential for this district
    ca_file: Mapped[str | None] = mapped_column(String(500))  # a private CA's certificate, if any
    batch_size: Mapped[int] = mapped_column(Integer, default=200)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # The cursor: the position of the last record the target took.
    cursor_tx: Mapped[int] = mapped_column(BigInteger, default=0)
    cursor_id: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered: Mapped[int] = mapped_column(BigInteger, default=0)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # since the last success
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)  # in a person's words: "中文 / English"
    last_error_detail: Mapped[str | None] = mapped_column(Text)  # the raw text, for administrators only
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
