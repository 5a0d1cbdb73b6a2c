"""The sealed links of each firm's ledger chain (registry.ledger.chain), in the order they were made."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.common.models import UTCDateTime
from registry.extensions import db
from registry.ledger.chain import Link


class LedgerSeal(db.Model):
    __tablename__ = "ledger_seals"
    __table_args__ = (Index("ix_ledger_seals_firm_day", "firm_id", "day", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # day, amendment
    received_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_until: Mapped[datetime] = mapped_column(UTCDateTime)
    row_count: Mapped[int] = mapped_column(Integer)
    rows_digest: Mapped[str] = mapped_column(String(64))
    day_count: Mapped[int] = mapped_column(Integer)
    day_digest: Mapped[str] = mapped_column(String(64))
    previous_digest: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def link(self) -> Link:
        return Link(
            self.firm_id,
            self.day,
            self.kind,
            self.received_after,
            self.received_until,
            self.row_count,
            self.rows_digest,
            self.day_count,
            self.day_digest,
            self.previous_digest,
        )
