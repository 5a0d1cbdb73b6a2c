"""An inspection of a firm, the ledger rows drawn for it, and the photos taken of documents seen."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import User
from registry.audit.models import JSONDocument
from registry.common.models import BigId, Timestamps, UTCDateTime, enum_type
from registry.extensions import db
from registry.firms.models import Firm
from registry.pictures.uploads import PhotoColumns


class InspectionStatus(StrEnum):
    OPEN = "open"  # 核查中
    CLOSED = "closed"  # 已办结


class InspectionResult(StrEnum):
    COMPLIANT = "compliant"  # 合格
    RECTIFY = "rectify"  # 发现问题，限期整改
    NON_COMPLIANT = "non_compliant"  # 不合格


class FirmInspection(Timestamps, db.Model):
    """The sample is the `sample_size` passes of the firm's gates in the period, received by `drawn_at`,
    with the smallest SHA-256 of "<seed>:<pass id>" (registry.inspections.sampling): anyone holding the
    seed and the ledger can draw it again."""

    __tablename__ = "firm_inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)  # local dates, inclusive
    period_end: Mapped[date] = mapped_column(Date)
    sample_size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    population: Mapped[int] = mapped_column(Integer)  # ledger rows the sample was drawn from
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[InspectionStatus] = mapped_column(
        enum_type(InspectionStatus, "inspection_status"), default=InspectionStatus.OPEN
    )
    result: Mapped[InspectionResult | None] = mapped_column(enum_type(InspectionResult, "firm_inspection_result"))
    conclusion: Mapped[str | None] = mapped_column(Text)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    firm: Mapped[Firm] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    items: Mapped[list["InspectionItem"]] = relationship(
        back_populates="inspection", order_by="InspectionItem.position"
    )


class InspectionItem(db.Model):
    """One sampled ledger row, as it was when drawn, and what the inspector found."""

    __tablename__ = "firm_inspection_items"
    __table_args__ = (UniqueConstraint("inspection_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("firm_inspections.id"))
    position: Mapped[int] = mapped_column(Integer)  # 1.. in the ledger's order (time, then id)
    plate_event_id: Mapped[int] = mapped_column(BigInteger)
    pass_at: Mapped[datetime] = mapped_column(UTCDateTime)
    row: Mapped[dict] = mapped_column(JSONDocument)  # the pass and its ledger row when drawn
    gaps: Mapped[list] = mapped_column(JSONDocument)  # the ledger fields found missing or malformed
    record_complete: Mapped[bool | None] = mapped_column(Boolean)
    stage_correct: Mapped[bool | None] = mapped_column(Boolean)  # None: not checked (no documents seen)
    stage_seen: Mapped[str | None] = mapped_column(String(1))  # the stage the documents show
    note: Mapped[str | None] = mapped_column(Text)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(BigId)  # the case its findings were put in (its pass)

    inspection: Mapped[FirmInspection] = relationship(back_populates="items")
    photos: Mapped[list["InspectionPhoto"]] = relationship(order_by="InspectionPhoto.id")

    @property
    def checked(self) -> bool:
        return self.record_complete is not None

    @property
    def findings(self) -> list[str]:
        """The rules this row breaks, as the inspector recorded it."""
        found = []
        if self.record_complete is False:
            found.append("LEDGER_INCOMPLETE")
        if self.stage_correct is False:
            found.append("STAGE_MISMATCH")
        return found


class InspectionPhoto(PhotoColumns, db.Model):
    """A photo of a document the inspector saw (随车清单, 行驶证) for a sampled row."""

    __tablename__ = "firm_inspection_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("firm_inspection_items.id"), index=True)
