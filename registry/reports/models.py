"""Lower platforms that report here, and the records they reported."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.audit.models import JSONDocument
from registry.common.models import BigId, UTCDateTime
from registry.common.time import utcnow
from registry.extensions import db


class ReportingSource(db.Model):
    """A lower platform (a district) allowed to report here, by the hash of its token."""

    __tablename__ = "reporting_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # its own name for itself (UPLINK_SOURCE)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    last_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sequence: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportedRecord(db.Model):
    """One record as a lower platform reported it; its key makes a resent record a no-op."""

    __tablename__ = "reported_records"
    __table_args__ = (
        UniqueConstraint("source_id", "key"),
        Index("ix_reported_records_source_time", "source_id", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("reporting_sources.id"))
    key: Mapped[str] = mapped_column(String(100))
    sequence: Mapped[int] = mapped_column(BigInteger)  # its place in the source's order
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    plate: Mapped[str | None] = mapped_column(String(32))
    firm_credit_code: Mapped[str | None] = mapped_column(String(18))
    decision: Mapped[str | None] = mapped_column(String(10))
    data: Mapped[dict] = mapped_column(JSONDocument)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    source: Mapped[ReportingSource] = relationship()
