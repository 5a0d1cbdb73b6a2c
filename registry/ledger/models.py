"""The sealed links of each firm's ledger chain (registry.ledger.chain), in the order they were made, each
with the rows it seals."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from registry.common.models import UTCDateTime
from registry.extensions import db
from registry.ledger.chain import FORMAT, Link


class LedgerSeal(db.Model):
    __tablename__ = "ledger_seals"
    __table_args__ = (Index("ix_ledger_seals_firm_day", "firm_id", "day", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # day, amendment, table4, table5
    received_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_until: Mapped[datetime] = mapped_column(UTCDateTime)
    row_count: Mapped[int] = mapped_column(Integer)
    rows_digest: Mapped[str] = mapped_column(String(64))
    day_count: Mapped[int] = mapped_column(Integer)
    day_digest: Mapped[str] = mapped_column(String(64))
    previous_digest: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[int] = mapped_column(Integer, default=FORMAT, server_default="1")
    # the rows this link seals, every column (registry.ledger.chain.pack); none for format 1
    rows: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

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
            self.format,
        )
