"""Registered road vehicles and their emission stage as the MEE ledger code."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.common.models import Timestamps, UTCDateTime, enum_type
from registry.extensions import db
from registry.identifiers.plates import PlateColour


class EmissionStage(StrEnum):
    """MEE 2020 gate-ledger code: 0-6 = China 0-VI (国0-国六), D = new energy (电动)."""

    CHINA_0 = "0"
    CHINA_I = "1"
    CHINA_II = "2"
    CHINA_III = "3"
    CHINA_IV = "4"
    CHINA_V = "5"
    CHINA_VI = "6"
    NEW_ENERGY = "D"


class StageSource(StrEnum):
    DECLARED = "declared"  # 自报
    VERIFIED = "verified"  # 核实 (随车清单 / VIN look-up)
    INFERRED = "inferred"  # 按注册日期推定


class FuelType(StrEnum):
    DIESEL = "diesel"
    GAS = "gas"
    GASOLINE = "gasoline"
    ELECTRIC = "electric"
    HYBRID = "hybrid"
    HYDROGEN = "hydrogen"


class VehicleClass(StrEnum):
    HEAVY_TRUCK = "heavy_truck"
    MEDIUM_TRUCK = "medium_truck"
    LIGHT_TRUCK = "light_truck"
    TRACTOR = "tractor"
    SPECIAL = "special"
    OTHER = "other"


class Vehicle(Timestamps, db.Model):
    __tablename__ = "vehicles"

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(10), unique=True)
    plate_color: Mapped[PlateColour] = mapped_column(enum_type(PlateColour, "plate_color"))
    vin: Mapped[str | None] = mapped_column(String(17), unique=True)
    engine_no: Mapped[str | None] = mapped_column(String(32))
    emission_stage: Mapped[EmissionStage | None] = mapped_column(enum_type(EmissionStage, "emission_stage"))
    stage_source: Mapped[StageSource | None] = mapped_column(enum_type(StageSource, "stage_source"))
    fuel_type: Mapped[FuelType] = mapped_column(enum_type(FuelType, "fuel_type"))
    registration_date: Mapped[date | None] = mapped_column(Date)
    vehicle_class: Mapped[VehicleClass] = mapped_column(enum_type(VehicleClass, "vehicle_class"))
    owner: Mapped[str | None] = mapped_column(String(100), index=True)  # 车队名称 in the ledger
    # The firm that registered the truck (its own fleet, or a carrier at its gate): it may upload the
    # truck's documents, and review them where the DOCUMENT_REVIEW policy lets firms.
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"), index=True)
    stage_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stage_verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
