"""Firms (企业) regulated by the plan."""

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.common.models import Timestamps, enum_type
from registry.extensions import db

if TYPE_CHECKING:
    from registry.gates.models import Gate


class Industry(StrEnum):
    POWER = "power"  # 电力
    COKING = "coking"  # 焦化
    STEEL = "steel"  # 钢铁
    CEMENT = "cement"  # 水泥
    CASTING = "casting"  # 铸造
    NONFERROUS = "nonferrous"  # 有色
    CHEMICAL = "chemical"  # 化工
    COAL = "coal"  # 煤炭
    BUILDING_MATERIALS = "building_materials"  # 建材
    LOGISTICS = "logistics"  # 物流
    OTHER = "other"


class PerformanceGrade(StrEnum):
    """Emergency emission-reduction performance grade (绩效分级), MEE 2020 guide."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    LEADING = "leading"  # 引领性
    UNRATED = "unrated"


class Firm(Timestamps, db.Model):
    __tablename__ = "firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    industry: Mapped[Industry] = mapped_column(enum_type(Industry, "industry"))
    annual_freight_tonnes: Mapped[int] = mapped_column(BigInteger, default=0)
    in_planning_area: Mapped[bool] = mapped_column(Boolean, default=False)
    performance_grade: Mapped[PerformanceGrade] = mapped_column(
        enum_type(PerformanceGrade, "performance_grade"), default=PerformanceGrade.UNRATED
    )
    region: Mapped[str | None] = mapped_column(String(64), index=True)

    gates: Mapped[list["Gate"]] = relationship(back_populates="firm", order_by="Gate.id")
