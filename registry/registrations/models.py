"""A truck declared by its driver or fleet, awaiting review; approving it registers the vehicle."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.common.models import Timestamps, UTCDateTime, enum_type
from registry.documents.models import VehicleDocument
from registry.extensions import db
from registry.gates.models import Gate
from registry.identifiers.plates import PlateColour
from registry.vehicles.models import EmissionStage, FuelType, VehicleClass


class RegistrationStatus(StrEnum):
    PENDING = "pending"  # 待审核
    APPROVED = "approved"  # 已通过
    REJECTED = "rejected"  # 已退回


class VehicleRegistration(Timestamps, db.Model):
    __tablename__ = "vehicle_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(10), index=True)
    plate_color: Mapped[PlateColour] = mapped_column(enum_type(PlateColour, "plate_color"))
    vin: Mapped[str] = mapped_column(String(17))
    engine_no: Mapped[str] = mapped_column(String(32))
    registration_date: Mapped[date] = mapped_column(Date)
    fuel_type: Mapped[FuelType] = mapped_column(enum_type(FuelType, "fuel_type"))
    emission_stage: Mapped[EmissionStage] = mapped_column(enum_type(EmissionStage, "emission_stage"))
    vehicle_class: Mapped[VehicleClass] = mapped_column(enum_type(VehicleClass, "vehicle_class"))
    owner: Mapped[str | None] = mapped_column(String(100))  # 车队名称 / the owner as on the licence
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    gate_id: Mapped[int | None] = mapped_column(ForeignKey("gates.id"))  # whose QR code was scanned
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus, "registration_status"), default=RegistrationStatus.PENDING, index=True
    )
    submitted_from: Mapped[str] = mapped_column(String(45), index=True)  # the address, for the rate limits
    submitted_device: Mapped[str | None] = mapped_column(String(32), index=True)  # the phone's device cookie
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"))  # what it became

    gate: Mapped[Gate | None] = relationship()
    documents: Mapped[list[VehicleDocument]] = relationship(
        primaryjoin="VehicleRegistration.id == VehicleDocument.registration_id",
        foreign_keys="VehicleDocument.registration_id",
        order_by="VehicleDocument.id",
        viewonly=True,
    )


class RegistrationAttempt(db.Model):
    """A self-registration sent, whatever became of it: counted per address before its photos are
    decoded (REGISTRATION_ATTEMPT_RATE_LIMIT), so that refused submissions cost a flood its turn too."""

    __tablename__ = "registration_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(45), index=True)
    device: Mapped[str | None] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
