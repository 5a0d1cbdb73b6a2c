"""Passes per day, gate and decision; violations per day, gate, rule and alert level; each gate's
delivery per closed day; each firm's clean transport per closed month.

A dashboard, an alert's evaluation or a ledger's totals read these days, not the passes: a month of a
city is some 40 thousand rows here against 40 million passes. The day is the local date of the pass."""

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.common.models import UTCDateTime
from registry.extensions import db


class DailyPasses(db.Model):
    __tablename__ = "daily_passes"
    __table_args__ = (Index("ix_daily_passes_firm_day", "firm_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id"), primary_key=True)
    decision: Mapped[str] = mapped_column(String(6), primary_key=True)  # pass, deny, review
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"))  # the gate's firm (None: a checkpoint)
    passes: Mapped[int] = mapped_column(Integer)


class DailyViolations(db.Model):
    __tablename__ = "daily_violations"
    __table_args__ = (  # each filter a search has, then the day (registry.statistics.spans)
        Index("ix_daily_violations_firm_day", "firm_id", "day"),
        Index("ix_daily_violations_rule_day", "rule", "alert_level", "day"),
        Index("ix_daily_violations_gate_day", "gate_id", "day"),
        Index("ix_daily_violations_day_firm_rule", "day", "firm_id", "rule", "violations"),  # the dashboard
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id"), primary_key=True)
    rule: Mapped[str] = mapped_column(String(32), primary_key=True)
    alert_level: Mapped[str] = mapped_column(String(10), primary_key=True)  # "" when no alert
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"))
    violations: Mapped[int] = mapped_column(Integer)


class DailyDelivery(db.Model):
    """A gate's delivery on a closed local day (registry.gates.delivery), counted once by the daily job
    (`flask statistics delivery`) and again while late backlogs may still fill its gaps. Every active
    gate has a row for a counted day, its zeros too: a day with rows is a counted day."""

    __tablename__ = "daily_delivery"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id"), primary_key=True)
    reads: Mapped[int] = mapped_column(Integer)
    numbered: Mapped[int] = mapped_column(Integer)
    missing: Mapped[int] = mapped_column(Integer)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MonthlyCleanTransport(db.Model):
    """A firm's passes and tonnes of trucks in scope in a closed local month, and the clean ones
    (registry.dashboard.clean_share), counted once by the daily job (`flask statistics clean-transport`)
    and again while late weighbridge tickets may still change its tonnes. Every firm with gates has a
    row for a counted month, its zeros too: a month with rows is a counted month."""

    __tablename__ = "monthly_clean_transport"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), primary_key=True)
    passes: Mapped[int] = mapped_column(Integer)
    clean_passes: Mapped[int] = mapped_column(Integer)
    tonnes: Mapped[float] = mapped_column(Float)
    clean_tonnes: Mapped[float] = mapped_column(Float)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)
