"""What travels through the pipeline: plain records, no ORM. A pass (stored or new) and its verdict carry
the columns of `plate_events` and `verdicts`, which the stages read and the writer writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from registry.common.time import utcnow
from registry.rules import FirmFacts


@dataclass(frozen=True, slots=True)
class GateInfo:
    """A gate as the pipeline needs it, with its firm as the rules see it; a road checkpoint (卡口) has
    no firm."""

    id: int
    code: str
    name: str
    firm_id: int | None
    firm_name: str
    firm: FirmFacts | None
    latitude: float | None = None
    longitude: float | None = None
    kind: str = "gate"  # gate, checkpoint

    @classmethod
    def of(cls, gate) -> GateInfo:
        """From a Gate row (its firm loaded)."""
        firm = gate.firm
        return cls(
            gate.id, gate.code, gate.name, gate.firm_id, firm.name if firm is not None else "",
            firm_facts(firm) if firm is not None else None, gate.latitude, gate.longitude, gate.kind or "gate",
        )  # fmt: skip

    @property
    def is_checkpoint(self) -> bool:
        return self.kind == "checkpoint"

    @classmethod
    def of_firm(cls, firm) -> GateInfo:
        """A gate of the firm's that is no gate in particular (a what-if check): id 0, no coordinates."""
        return cls(0, "", "", firm.id, firm.name, firm_facts(firm))


def firm_facts(firm) -> FirmFacts:
    """A Firm row as the rules see it."""
    return FirmFacts(
        firm.id,
        firm.industry.value,
        firm.annual_freight_tonnes,
        firm.in_planning_area,
        firm.performance_grade.value,
        firm.region,
    )


@dataclass(slots=True)
class Arrival:
    """One validated read (GateEventSchema's output) from one authenticated gate (a Gate row or GateInfo)."""

    gate: object
    read: dict
    source: str  # mqtt, http, hikvision, hikvision-resend, alarminfoplate, dahua


@dataclass(slots=True, eq=False)
class VerdictRow:
    """The columns of `verdicts` (decision and stage as their codes)."""

    decision: str | None = None
    findings: list = field(default_factory=list)
    policy_set_id: int | None = None
    stage_inferred: bool = False
    emission_stage: str | None = None
    alert_id: int | None = None
    evaluated_at: datetime = field(default_factory=utcnow)

    @property
    def policy_ids(self) -> list[int]:
        from registry.policies.sets import policy_ids_of  # a set this process has not named: a query

        return policy_ids_of(self.policy_set_id)


@dataclass(slots=True, eq=False)
class PassRow:
    """The columns of `plate_events` (colour and direction as their codes), its verdict, and where it
    stands in this batch."""

    gate_id: int
    event_id: str
    plate_raw: str
    plate: str  # normalised; empty for a vehicle without a plate (无牌车)
    plate_color: str | None
    direction: str
    captured_at: datetime
    confidence: float | None
    lane: str | None = None
    vehicle_type: str | None = None
    received_at: datetime = field(default_factory=utcnow)
    read_count: int = 0
    vehicle_id: int | None = None
    measured_colour: str | None = None
    colour_disagrees: bool = False
    camera_time: str | None = None
    time_source: str = "camera"
    id: int | None = None
    verdict: VerdictRow = field(default_factory=VerdictRow)
    # where it stands in the batch
    stored: bool = False  # in the database before this batch
    reads_added: int = 0  # reads of this batch merged into it (or that made it)
    judged: bool = False  # created, or a better read merged: (re)judged by this batch
    best: Arrival | None = None  # the batch's read whose fields it carries, when it is judged
    pictures: list = field(default_factory=list)  # that read's pictures (registry.ingest.pictures)

    @property
    def no_plate(self) -> bool:
        return not self.plate


READ_FIELDS = ("plate_raw", "plate", "plate_color", "confidence", "lane", "vehicle_type")


def read_fields(read: dict, plate: str) -> dict:
    """The fields of a pass that its best read gives."""
    return {
        "plate_raw": read["plate"] or "",
        "plate": plate,
        "plate_color": read["plate_color"] or None,
        "confidence": read["confidence"],
        "lane": read.get("lane"),
        "vehicle_type": read.get("vehicle_type"),
    }


CREATED, MERGED, DUPLICATE = "created", "merged", "duplicate"


@dataclass(slots=True)
class Outcome:
    """What became of one arrival."""

    arrival: Arrival
    plate_event: PassRow
    outcome: str  # created, merged, duplicate
    pictures: list = field(default_factory=list)  # its pictures, once taken (registry.ingest.pictures)

    @property
    def camera_event_id(self) -> str:
        return self.arrival.read.get("camera_event_id", self.arrival.read["event_id"])


@dataclass
class Resolved:
    outcomes: list[Outcome] = field(default_factory=list)
    new: list[PassRow] = field(default_factory=list)  # created by this batch, in order
    stored: dict[int, PassRow] = field(default_factory=dict)  # stored passes the batch looked up, by id

    @property
    def merged(self) -> list[PassRow]:
        """Stored passes that reads of this batch joined."""
        return [p for p in self.stored.values() if p.reads_added]

    @property
    def judged(self) -> list[PassRow]:
        """Passes to (re)judge: the new ones and stored ones a better read joined."""
        return [*self.new, *(p for p in self.stored.values() if p.judged)]

    @property
    def accepted(self) -> list[Outcome]:
        """The reads to store: every one but the resends."""
        return [o for o in self.outcomes if o.outcome != DUPLICATE]
