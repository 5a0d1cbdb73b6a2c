"""Document photos of a vehicle or of a driver's self-registration, one row per upload (a new photo of
the same kind is a new row; the latest is the one in force, the earlier ones stay as evidence)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.common.models import UTCDateTime, enum_type
from registry.extensions import db
from registry.pictures.uploads import PhotoColumns


class DocumentKind(StrEnum):
    LICENCE_FRONT = "licence_front"  # 行驶证正页
    LICENCE_BACK = "licence_back"  # 行驶证副页
    ENVIRONMENTAL_LIST = "environmental_list"  # 环保信息随车清单


class DocumentStatus(StrEnum):
    PENDING = "pending"  # 待审核
    ACCEPTED = "accepted"  # 已核实
    REJECTED = "rejected"  # 不符


class VehicleDocument(PhotoColumns, db.Model):
    __tablename__ = "vehicle_documents"
    __table_args__ = (CheckConstraint("vehicle_id IS NOT NULL OR registration_id IS NOT NULL", name="of_something"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"), index=True)
    # Uploaded with a driver's self-registration; the vehicle's once the registration is approved.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("vehicle_registrations.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind, "document_kind"))
    status: Mapped[DocumentStatus] = mapped_column(
        enum_type(DocumentStatus, "document_status"), default=DocumentStatus.PENDING
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
