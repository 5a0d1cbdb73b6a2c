"""Construction units (施工单位), their sites (工地) and site declarations (进场登记) of registered machines."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.common.models import Timestamps
from registry.extensions import db

if TYPE_CHECKING:
    from registry.machinery.models import Machinery


class ConstructionUnit(Timestamps, db.Model):
    __tablename__ = "construction_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(30))


class Site(Timestamps, db.Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("construction_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    low_emission_zone: Mapped[bool] = mapped_column(Boolean, default=False)

    unit: Mapped[ConstructionUnit] = relationship()


class SiteDeclaration(Timestamps, db.Model):
    """进场登记: a registered machine declared to work at a site for a period."""

    __tablename__ = "site_declarations"
    __table_args__ = (UniqueConstraint("site_id", "machinery_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    machinery_id: Mapped[int] = mapped_column(ForeignKey("machinery.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    site: Mapped[Site] = relationship()
    machinery: Mapped[Machinery] = relationship("Machinery")
