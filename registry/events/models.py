"""A pass at a gate (the gate ledger row), its verdict and the violations it raised."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import User
from registry.alerts.models import Alert
from registry.audit.models import JSONDocument, OptionalJSONDocument
from registry.common.models import BigId, Timestamps, UTCDateTime, enum_type, index_by_time
from registry.common.time import utcnow
from registry.extensions import db
from registry.gates.models import Gate
from registry.identifiers.plates import PlateColour
from registry.policies.sets import policy_ids_of
from registry.vehicles.models import Vehicle


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class Decision(StrEnum):
    PASS = "pass"  # 允许通行
    DENY = "deny"  # 禁止通行
    REVIEW = "review"  # 待人工复核


class Severity(StrEnum):
    DENY = "deny"
    REVIEW = "review"
    INFO = "info"


class ViolationStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


EVENT_ID_LENGTH = 128  # longer camera ids are stored by digest (registry.events.ingest.stored_event_id)
# Declared 128 on PostgreSQL; SQLite enforces no length, and its tables keep their declared 64, which
# only a table copy could change (and a copy would drop the evidence triggers of migration 0005).
EVENT_ID = String(64).with_variant(String(EVENT_ID_LENGTH), "postgresql")


class PlateEvent(db.Model):
    __tablename__ = "plate_events"
    __partition_time__ = "captured_at"  # the month partition's key: a page reads only its months
    __table_args__ = (
        UniqueConstraint("gate_id", "event_id"),
        # Lists walk these in their order (time, then id) and stop at a page: keyset pagination. The
        # gate rides along in the time index so that a firm's or gate's filter needs no table access.
        Index("ix_plate_events_captured_at_id", "captured_at", "id", postgresql_include=["gate_id"]),
        Index("ix_plate_events_gate_time", "gate_id", "captured_at", "id"),  # a gate's passes; ingest's merges
        Index("ix_plate_events_plate_captured_at", "plate", "captured_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # looked up by gate through the two indexes that lead with gate_id (above)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id"))
    event_id: Mapped[str] = mapped_column(EVENT_ID)
    plate_raw: Mapped[str] = mapped_column(String(32))
    plate: Mapped[str] = mapped_column(String(32))  # normalised; empty for a no-plate read (无牌车)
    plate_color: Mapped[PlateColour | None] = mapped_column(enum_type(PlateColour, "plate_color"))
    direction: Mapped[Direction] = mapped_column(enum_type(Direction, "direction"))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confidence: Mapped[float | None] = mapped_column(Float)
    lane: Mapped[str | None] = mapped_column(String(20))
    vehicle_type: Mapped[str | None] = mapped_column(String(50))
    read_count: Mapped[int] = mapped_column(Integer, default=1)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"), index=True)
    # The plate colour measured in the picture, and whether it disagrees with the camera's claim.
    measured_colour: Mapped[str | None] = mapped_column(String(16))
    # No server default in the model (the migration has one for old rows): with one, every pass insert
    # would return the column, which turns the batch's executemany into slower INSERT ... RETURNING.
    colour_disagrees: Mapped[bool] = mapped_column(Boolean, default=False)
    # The camera's own time (ISO 8601, as read) when it was too far from the time of receipt to be true
    # (CAMERA_CLOCK_*): the pass then carries the time of receipt. Null: the camera's time was used.
    camera_time: Mapped[str | None] = mapped_column(String(40))
    # Where captured_at came from: camera (its result), envelope (its message's timestamp, the result
    # had none) or receiver (no time, or a wrong clock). No server default in the model (see above).
    time_source: Mapped[str] = mapped_column(String(10), default="camera")

    gate: Mapped[Gate] = relationship()
    vehicle: Mapped[Vehicle | None] = relationship()
    verdict: Mapped["Verdict"] = relationship(back_populates="plate_event", uselist=False)
    reads: Mapped[list["PlateRead"]] = relationship(back_populates="plate_event", order_by="PlateRead.id")
    images: Mapped[list["PassImage"]] = relationship(back_populates="plate_event", order_by="PassImage.id")
    # the pass's findings as violations (a page loads them with the pass: registry.events.months)
    violations: Mapped[list["Violation"]] = relationship(
        primaryjoin="foreign(Violation.plate_event_id) == PlateEvent.id", order_by="Violation.id", viewonly=True
    )

    @property
    def no_plate(self) -> bool:
        """A read of a vehicle without a plate (无牌车): stored with an empty plate."""
        return not self.plate


class PlateRead(db.Model):
    """Every read a camera sent; several reads of one vehicle within the merge window are one pass.

    Unique on (gate, event_id): a resent event is found here and creates nothing."""

    __tablename__ = "plate_reads"
    # No index of its own on time: delivery per gate and day finds a day's reads through their passes
    # (plate_events.captured_at); one more index here cost the gateway a quarter of its drain rate.
    __table_args__ = (
        UniqueConstraint("gate_id", "event_id"),
        Index("ix_plate_reads_gate_time", "gate_id", "pass_at"),  # a gate's delivery, day by day
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plate_event_id: Mapped[int] = mapped_column(BigId, ForeignKey("plate_events.id"), index=True)
    pass_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the pass's captured_at: its month's partition
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id"))
    event_id: Mapped[str] = mapped_column(EVENT_ID)
    plate_raw: Mapped[str] = mapped_column(String(32))
    plate_sent: Mapped[str | None] = mapped_column(String(64))  # the plate as sent, when it came base64
    device: Mapped[str | None] = mapped_column(String(64))  # the camera's serial, where it says
    sequence: Mapped[int | None] = mapped_column(BigInteger)  # the camera's record number (plateid)
    backlog: Mapped[bool] = mapped_column(Boolean, default=False)  # from the camera's offline store
    plate_color: Mapped[PlateColour | None] = mapped_column(enum_type(PlateColour, "plate_color"))
    confidence: Mapped[float | None] = mapped_column(Float)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(20))  # mqtt, http, hikvision, alarminfoplate, dahua

    plate_event: Mapped[PlateEvent] = relationship(back_populates="reads")


class PassImage(db.Model):
    """A picture sent with a read, stored by content (SHA-256); invalid ones are kept as a record."""

    __tablename__ = "pass_images"
    __partition_time__ = "pass_at"  # the month partition's key: a page reads only its months
    __table_args__ = (  # the fetcher's queue: references not yet downloaded
        Index(
            "ix_pass_images_to_fetch",
            "id",
            postgresql_where=text("reference IS NOT NULL AND sha256 IS NULL"),
            sqlite_where=text("reference IS NOT NULL AND sha256 IS NULL"),
        ),
        # the background's queue of pictures whose plate text is still to be read (号牌复核)
        Index(
            "ix_pass_images_text_to_read",
            "id",
            postgresql_where=text("text_read_at IS NULL AND valid AND purged_at IS NULL"),
            sqlite_where=text("text_read_at IS NULL AND valid AND purged_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plate_event_id: Mapped[int] = mapped_column(BigId, ForeignKey("plate_events.id"), index=True)
    pass_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the pass's captured_at: its month's partition
    kind: Mapped[str] = mapped_column(String(20))  # plate, vehicle
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    # A picture the camera sent by path or URL: kept as the evidence's address; the fetcher (off unless
    # PICTURE_FETCH_HOSTS lists hosts) downloads it, and then it is stored by SHA-256 like a pushed one.
    reference: Mapped[str | None] = mapped_column(String(1000))
    fetch_attempts: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(30))
    valid: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when retention removed the file; the row stays as the record that a picture was sent.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What registry.pictures measured (at ingest when the rules needed it, else soon after).
    colour: Mapped[str | None] = mapped_column(String(16))
    colour_confidence: Mapped[float | None] = mapped_column(Float)
    plate_box: Mapped[list | None] = mapped_column(OptionalJSONDocument)  # [x, y, w, h]
    sharpness: Mapped[float | None] = mapped_column(Float)
    brightness: Mapped[float | None] = mapped_column(Float)
    overexposed: Mapped[float | None] = mapped_column(Float)
    plate_width: Mapped[int | None] = mapped_column(Integer)
    analysis_ms: Mapped[float | None] = mapped_column(Float)
    analysed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The plate's text read back from the picture (号牌复核, registry.pictures.text), and how sure.
    plate_text: Mapped[str | None] = mapped_column(String(16))
    plate_text_confidence: Mapped[float | None] = mapped_column(Float)
    text_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    plate_event: Mapped[PlateEvent] = relationship(back_populates="images")


class DeadLetter(db.Model):
    """A message that could not become a pass (not JSON, wrong schema, unknown gate, too large)."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(300))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    error: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class StoreFailure(db.Model):
    """A message that made the gateway's store fail where no error class says why (or whose store
    process died storing it), counted across restarts: after a few failures it becomes a dead letter,
    so that no message can keep the gateway in a crash loop."""

    __tablename__ = "store_failures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of topic and payload
    topic: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text)
    first_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Verdict(db.Model):
    __tablename__ = "verdicts"
    __partition_time__ = "pass_at"  # the month partition's key: a page reads only its months
    __table_args__ = (Index("ix_verdicts_decision_time", "decision", "pass_at", "plate_event_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plate_event_id: Mapped[int] = mapped_column(BigId, ForeignKey("plate_events.id"), unique=True)
    pass_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the pass's captured_at: its month's partition
    decision: Mapped[Decision] = mapped_column(enum_type(Decision, "decision"))
    # What most passes would store with every row is kept out of it: no findings is NULL, and the
    # policies the verdict was judged under are a set shared by every verdict judged under them.
    stored_findings: Mapped[list | None] = mapped_column("findings", OptionalJSONDocument)
    policy_set_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("policy_sets.id"))
    stage_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    emission_stage: Mapped[str | None] = mapped_column(String(1))  # the stage the rules used
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plate_event: Mapped[PlateEvent] = relationship(back_populates="verdict")
    alert: Mapped["Alert | None"] = relationship()

    @property
    def findings(self) -> list:
        return self.stored_findings or []

    @findings.setter
    def findings(self, findings: list) -> None:
        self.stored_findings = list(findings) or None

    @property
    def policy_ids(self) -> list[int]:
        return policy_ids_of(self.policy_set_id)


def _by_time(name: str, *lead: str, **where) -> Index:
    return index_by_time("violations", name, *lead, **where)


CARRIED = ["status", "severity", "rule", "alert_level", "firm_id", "gate_id"]  # what a search filters by


def _carrying(name: str, lead: str) -> Index:
    return _by_time(name, lead, postgresql_include=[c for c in CARRIED if c != lead])


class Violation(Timestamps, db.Model):
    """A finding of a pass for review. It carries what searches filter and sort by (the pass's time,
    gate, firm, plate and the alert's level, copied when it is raised) so that a search reads one
    index of this table, never the passes."""

    __tablename__ = "violations"
    __partition_time__ = "captured_at"  # the month partition's key: a page reads only its months
    __table_args__ = (
        # each index a search walks carries the other filters (PostgreSQL's INCLUDE, migration 0036)
        _by_time("captured_at", postgresql_include=CARRIED),
        _carrying("status_time", "status"),
        _carrying("rule_time", "rule"),
        _carrying("severity_time", "severity"),
        _carrying("firm_time", "firm_id"),
        _carrying("gate_time", "gate_id"),
        _by_time("plate_time", "plate"),
        _by_time(
            "level_time",
            "alert_level",
            postgresql_where=text("alert_level IS NOT NULL"),
            sqlite_where=text("alert_level IS NOT NULL"),
        ),
        Index("ix_violations_created_at_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plate_event_id: Mapped[int] = mapped_column(BigId, ForeignKey("plate_events.id"), index=True)
    rule: Mapped[str] = mapped_column(String(32))
    severity: Mapped[Severity] = mapped_column(enum_type(Severity, "severity"))
    status: Mapped[ViolationStatus] = mapped_column(
        enum_type(ViolationStatus, "violation_status"), default=ViolationStatus.OPEN
    )
    # Of the pass, as it was when the violation was raised (a re-judged pass raises its violations again).
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id"))
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"))  # None: at a checkpoint
    plate: Mapped[str] = mapped_column(String(32))  # empty for a vehicle without a plate
    alert_level: Mapped[str | None] = mapped_column(String(10))  # of alert_id: yellow, orange, red
    # The vehicle and firm as they were at the moment of the pass.
    context: Mapped[dict | None] = mapped_column(JSONDocument)
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The alert its finding is about (staggered transport): with two alerts in force, each violation
    # names its own, so that a search by alert level finds it.
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"), index=True)

    plate_event: Mapped[PlateEvent] = relationship()
    reviewed_by: Mapped["User | None"] = relationship()
    alert: Mapped["Alert | None"] = relationship()

    @property
    def finding(self) -> dict:
        """The verdict's finding that raised this violation (its message and clause); a violation raised
        outside the gate (an inspection's, registry.inspections) carries its own in its context."""
        own = (self.context or {}).get("finding")
        return own or finding_for(self.plate_event.verdict.findings, self.rule, self.alert_id)


def finding_for(findings: list | None, rule: str, alert_id: int | None) -> dict:
    """Of a verdict's findings, the one that raised a violation of `rule` (about `alert_id`)."""
    for finding in findings or ():
        if finding.get("rule") == rule and finding.get("alert_id") == alert_id:
            return finding
    return next((f for f in findings or () if f.get("rule") == rule), {})
