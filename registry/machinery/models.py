"""Machinery registrations (非道路移动机械登记), their photos and history, inspections, and their tables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.common.models import Timestamps, UTCDateTime, enum_type
from registry.extensions import db
from registry.pictures.uploads import PhotoColumns
from registry.sites.models import ConstructionUnit  # a machine's owner

if TYPE_CHECKING:
    from registry.firms.models import Firm


class MachineType(StrEnum):
    EXCAVATOR = "excavator"  # 挖掘机
    LOADER = "loader"  # 装载机
    BULLDOZER = "bulldozer"  # 推土机
    CRANE = "crane"  # 起重机
    ROLLER = "roller"  # 压路机
    PAVER = "paver"  # 摊铺机
    GRADER = "grader"  # 平地机
    FORKLIFT = "forklift"  # 叉车
    PILE_DRIVER = "pile_driver"  # 打桩机
    OTHER = "other"


class MachineFuel(StrEnum):
    DIESEL = "diesel"
    ELECTRIC = "electric"
    GAS = "gas"
    HYBRID = "hybrid"


class MachineStage(StrEnum):
    """GB 20891 stage as the ledger code: 1-4 = China I-IV, D = electric, X = no stage."""

    CHINA_I = "1"
    CHINA_II = "2"
    CHINA_III = "3"
    CHINA_IV = "4"
    ELECTRIC = "D"
    NONE = "X"


class MachineryStatus(StrEnum):
    PENDING = "pending"  # 待审核
    APPROVED = "approved"  # 已登记
    REJECTED = "rejected"  # 已退回
    RETIRED = "retired"  # 已注销


class PhotoKind(StrEnum):
    NAMEPLATE = "nameplate"  # 机械铭牌
    ENGINE_NAMEPLATE = "engine_nameplate"  # 发动机铭牌
    LABEL = "label"  # 环保信息标签


class HistoryAction(StrEnum):
    REGISTERED = "registered"  # 申报
    RESUBMITTED = "resubmitted"  # 修改后重新申报
    APPROVED = "approved"  # 审核通过，发放登记编码
    REJECTED = "rejected"  # 退回
    TRANSFERRED = "transferred"  # 转移至其他单位
    RETIRED = "retired"  # 注销


class InspectionResult(StrEnum):
    PASS = "pass"
    FAIL = "fail"


class Machinery(Timestamps, db.Model):
    """A machine registered by its owner: a construction unit, or a firm for its in-plant machinery (厂内
    非道路移动机械, the gate ledger's table 5). Exactly one of the two owns it."""

    __tablename__ = "machinery"
    __table_args__ = (CheckConstraint("(unit_id IS NULL) <> (firm_id IS NULL)", name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("construction_units.id"), index=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"), index=True)
    machine_type: Mapped[MachineType] = mapped_column(enum_type(MachineType, "machine_type"))
    model: Mapped[str] = mapped_column(String(100))
    manufacturer: Mapped[str] = mapped_column(String(200))
    pin: Mapped[str | None] = mapped_column(String(17), unique=True)
    engine_model: Mapped[str | None] = mapped_column(String(100))
    engine_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    rated_power_kw: Mapped[Decimal] = mapped_column(Numeric(7, 1))
    fuel_type: Mapped[MachineFuel] = mapped_column(enum_type(MachineFuel, "machine_fuel"))
    emission_stage: Mapped[MachineStage] = mapped_column(enum_type(MachineStage, "machine_stage"))
    production_date: Mapped[date | None] = mapped_column(Date)
    acquisition_date: Mapped[date | None] = mapped_column(Date)
    aftertreatment: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[MachineryStatus] = mapped_column(
        enum_type(MachineryStatus, "machinery_status"), default=MachineryStatus.PENDING, index=True
    )
    # The national code's layout is unconfirmed (DOMAIN.md 5): text, never parsed.
    registration_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[ConstructionUnit | None] = relationship()
    firm: Mapped[Firm | None] = relationship("Firm")
    photos: Mapped[list[MachineryPhoto]] = relationship(back_populates="machinery", order_by="MachineryPhoto.kind")
    history: Mapped[list[MachineryHistory]] = relationship(order_by="MachineryHistory.id")
    inspections: Mapped[list[Inspection]] = relationship(order_by="Inspection.inspected_at.desc()", viewonly=True)

    @property
    def owner_name(self) -> str:
        """The owner as a person reads it: the construction unit's name, or the firm's."""
        return self.unit.name if self.unit is not None else self.firm.name


class MachineryPhoto(PhotoColumns, db.Model):
    """A photo of the machine's nameplate, engine nameplate or environmental label; one of each kind,
    stored by content (SHA-256) with a thumbnail."""

    __tablename__ = "machinery_photos"
    __table_args__ = (UniqueConstraint("machinery_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    machinery_id: Mapped[int] = mapped_column(ForeignKey("machinery.id"), index=True)
    kind: Mapped[PhotoKind] = mapped_column(enum_type(PhotoKind, "photo_kind"))

    machinery: Mapped[Machinery] = relationship(back_populates="photos")


class MachineryHistory(db.Model):
    """What happened to a registration, in order: submitted, reviewed, transferred, retired."""

    __tablename__ = "machinery_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    machinery_id: Mapped[int] = mapped_column(ForeignKey("machinery.id"), index=True)
    action: Mapped[HistoryAction] = mapped_column(enum_type(HistoryAction, "machinery_action"))
    from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("construction_units.id"))
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("construction_units.id"))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    from_unit: Mapped[ConstructionUnit | None] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[ConstructionUnit | None] = relationship(foreign_keys=[to_unit_id])


class RegistrationCounter(db.Model):
    """The last serial issued per code scope (e.g. a year): codes are issued once and never reused."""

    __tablename__ = "registration_counters"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer)


class Inspection(Timestamps, db.Model):
    """抽检: a smoke test against GB 36886-2018."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    machinery_id: Mapped[int] = mapped_column(ForeignKey("machinery.id"), index=True)
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    k: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # light absorption coefficient, m^-1
    ringelmann: Mapped[int | None] = mapped_column(Integer)
    limit_k: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    result: Mapped[InspectionResult] = mapped_column(enum_type(InspectionResult, "inspection_result"))
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    limit_class: Mapped[str | None] = mapped_column(String(8))
    limit_ringelmann: Mapped[int | None] = mapped_column(Integer)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    zone: Mapped[str | None] = mapped_column(String(32))

    machinery: Mapped[Machinery] = relationship()


class SmokeLimit(Timestamps, db.Model):
    """GB 36886-2018 smoke limits as data (DOMAIN.md 5 marks the values unconfirmed): the bureau
    corrects them without a code change. A band covers power_from_kw <= P < power_to_kw."""

    __tablename__ = "smoke_limits"
    __table_args__ = (UniqueConstraint("limit_class", "power_from_kw"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    limit_class: Mapped[str] = mapped_column(String(8))  # I, II, III
    power_from_kw: Mapped[Decimal] = mapped_column(Numeric(7, 1))
    power_to_kw: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    k_limit: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    ringelmann_max: Mapped[int | None] = mapped_column(Integer)


class ZoneRule(Timestamps, db.Model):
    """What a kind of site allows (禁用区 rules are data): stages barred, whether a failed latest
    inspection bars a machine, and which smoke-limit class applies to each stage there."""

    __tablename__ = "zone_rules"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)  # general, low_emission
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    barred_stages: Mapped[list] = mapped_column(JSON)
    bar_failed_inspection: Mapped[bool] = mapped_column(Boolean)
    smoke_classes: Mapped[dict] = mapped_column(JSON)  # stage code -> limit class
