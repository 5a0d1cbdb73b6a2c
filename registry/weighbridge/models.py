"""One weighbridge ticket as the firm's scale printed it, and the pass it was matched to."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.common.models import Timestamps, UTCDateTime, enum_type
from registry.extensions import db


class MatchStatus(StrEnum):
    MATCHED = "matched"  # 已匹配
    AMBIGUOUS = "ambiguous"  # 多条过车记录，需人工选择
    UNMATCHED = "unmatched"  # 未找到过车记录


class WeighTicket(Timestamps, db.Model):
    __tablename__ = "weigh_tickets"
    __table_args__ = (
        UniqueConstraint("firm_id", "ticket_no"),  # idempotent on the firm's own ticket number
        Index("ix_weigh_tickets_firm_status_time", "firm_id", "status", "weighed_at"),
        Index("ix_weigh_tickets_pass_id", "pass_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"))
    ticket_no: Mapped[str] = mapped_column(String(64))
    plate: Mapped[str] = mapped_column(String(10))
    weighed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    gross_t: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    tare_t: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    net_t: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    cargo: Mapped[str] = mapped_column(String(32))  # the guide's 货物名称, char 32
    status: Mapped[MatchStatus] = mapped_column(enum_type(MatchStatus, "match_status"), default=MatchStatus.UNMATCHED)
    # The pass it fills (no foreign key: passes are partitioned by month on PostgreSQL; pass_at names
    # the partition, as a verdict's does).
    pass_id: Mapped[int | None] = mapped_column(BigInteger)
    pass_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    candidates: Mapped[int] = mapped_column(Integer, default=0)  # passes within the window when matched
    matched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a person chose (ambiguous)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
