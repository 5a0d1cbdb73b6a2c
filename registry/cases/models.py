"""A case (案件) is a pass that raised findings for review: every finding of the pass together, the
vehicle and firm as they were, the alert and the policies in force, reviewed once. Its identity is
its pass (one case per pass); its violations stay one per rule, for statistics."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import User
from registry.cases.rows import RULES_LENGTH
from registry.common.models import BigId, Timestamps, UTCDateTime, enum_type, index_by_time
from registry.events.models import Decision, PlateEvent, Violation, ViolationStatus
from registry.extensions import db


def _by_time(name: str, *lead: str, **where) -> Index:
    return index_by_time("cases", name, *lead, key="plate_event_id", **where)


CARRIED = ["status", "decision", "alert_level", "rules", "firm_id", "gate_id"]  # what the queue filters by


def _carrying(name: str, lead: str) -> Index:
    return _by_time(name, lead, postgresql_include=[c for c in CARRIED if c != lead])


class Case(Timestamps, db.Model):
    __tablename__ = "cases"
    __partition_time__ = "captured_at"  # the month partition's key: a page reads only its months
    __table_args__ = (
        # each index the queue walks carries the other filters (PostgreSQL's INCLUDE, migration 0036)
        _by_time("captured_at", postgresql_include=CARRIED),
        _carrying("status_time", "status"),
        _carrying("firm_time", "firm_id"),
        _carrying("gate_time", "gate_id"),
        _by_time("plate_time", "plate"),
        _by_time(
            "level_time",
            "alert_level",
            postgresql_where=text("alert_level IS NOT NULL"),
            sqlite_where=text("alert_level IS NOT NULL"),
        ),
    )

    plate_event_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("plate_events.id"), primary_key=True, autoincrement=False
    )
    # Of the pass, as it was when the case was opened (copied, so that a search reads this table only).
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id"))
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"))  # None: a checkpoint's (police) case
    plate: Mapped[str] = mapped_column(String(32))  # empty for a vehicle without a plate
    decision: Mapped[Decision] = mapped_column(enum_type(Decision, "decision"))
    rules: Mapped[str] = mapped_column(String(RULES_LENGTH))  # the findings' rules, comma-separated, in order
    findings_count: Mapped[int] = mapped_column(Integer)
    alert_level: Mapped[str | None] = mapped_column(String(10))  # the highest alert a finding is about
    status: Mapped[ViolationStatus] = mapped_column(
        enum_type(ViolationStatus, "violation_status"), default=ViolationStatus.OPEN
    )
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    plate_event: Mapped[PlateEvent] = relationship()
    reviewed_by: Mapped["User | None"] = relationship()
    violations: Mapped[list[Violation]] = relationship(
        primaryjoin="foreign(Violation.plate_event_id) == Case.plate_event_id",
        order_by="Violation.id",
        viewonly=True,
    )

    @property
    def id(self) -> int:
        return self.plate_event_id

    @property
    def context(self) -> dict:
        """The vehicle and firm as they were at the pass, the alerts and policies in force: kept once on
        its violations (copying it onto the case cost the gate's batch a third of its time)."""
        return next((v.context for v in self.violations if v.context), None) or {}

    @property
    def rule_codes(self) -> list[str]:
        return [rule for rule in self.rules.split(",") if rule]
