"""An in-plant transport vehicle (厂内运输车辆), as the MEE 2020 guide's table 4 lists it."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.common.models import Timestamps, UTCDateTime, enum_type
from registry.extensions import db
from registry.vehicles.models import EmissionStage, FuelType


class PlantVehicle(Timestamps, db.Model):
    __tablename__ = "plant_vehicles"
    __table_args__ = (UniqueConstraint("firm_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))  # 环保登记编码, or the plant's internal plate (内部号牌)
    registration_date: Mapped[date | None] = mapped_column(Date)  # 注册登记日期 (or production date)
    vin: Mapped[str | None] = mapped_column(String(17))
    engine_no: Mapped[str | None] = mapped_column(String(32))
    emission_stage: Mapped[EmissionStage] = mapped_column(enum_type(EmissionStage, "emission_stage"))
    fuel_type: Mapped[FuelType] = mapped_column(enum_type(FuelType, "fuel_type"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # no longer in use: kept for the ledger
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
