"""What goes into the engine and what comes out, as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Picture:
    """What the platform measured in the read's picture (registry.pictures)."""

    colour: str | None  # the plate colour measured, None when no plate was found
    confidence: float = 0.0
    sharpness: float | None = None  # variance of the Laplacian at 48 px plate height
    brightness: float | None = None  # mean grey level of the plate, 0-255
    overexposed: float | None = None  # share of blown-out plate pixels
    plate_width: int | None = None  # the plate's width in the picture, pixels


@dataclass(frozen=True)
class Read:
    """One plate read at a gate: the text and colour as the camera gave them, and the moment."""

    plate: str
    plate_color: str | None
    at: datetime  # aware
    picture: Picture | None = None
    vehicle_type: str | None = None  # the camera's own word for the vehicle's class, as it sent it


@dataclass(frozen=True)
class Place:
    """Where a gate is: WGS-84 degrees."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class Sighting:
    """Another pass of the same plate at another gate (the nearest in time within the window)."""

    pass_id: int
    gate: str | None  # the gate's name, for the message (None: another firm's, not named to this one)
    at: datetime  # aware
    place: Place | None


@dataclass(frozen=True)
class Sightings:
    """What the cloned-plate check knows of the plate's other passes."""

    here: Place | None  # the gate of this read
    elsewhere: Sighting | None = None
    colour_contradictions: int = 0  # earlier passes in the window read in a colour the registration contradicts
    type_contradictions: int = 0  # earlier passes in the window read as a vehicle that is not a truck


@dataclass(frozen=True)
class VehicleFacts:
    """A registered vehicle as the registry knows it."""

    plate: str
    plate_color: str
    emission_stage: str | None  # "0"-"6", "D", or None when unknown
    fuel_type: str
    vehicle_class: str
    registration_date: date | None = None


@dataclass(frozen=True)
class FirmFacts:
    id: int | None
    industry: str
    annual_freight_tonnes: int
    in_planning_area: bool
    performance_grade: str  # A, B, C, D, leading, unrated
    region: str | None = None


@dataclass(frozen=True)
class AlertFacts:
    """A heavy-pollution alert; `ends_at` already accounts for an early end."""

    id: int
    level: str  # yellow, orange, red
    region: str | None
    starts_at: datetime
    ends_at: datetime

    def covers(self, moment: datetime, region: str | None) -> bool:
        in_time = self.starts_at <= moment < self.ends_at
        return in_time and (not self.region or self.region == region)


@dataclass(frozen=True)
class TerminalFacts:
    """A truck's remote emission terminal as the registry knows it when the truck passes (registry.obd):
    when its newest data was collected, and its open alarms' kinds."""

    last_collected_at: datetime | None
    open_alarms: tuple[str, ...] = ()


@dataclass(frozen=True)
class EmitterFacts:
    """A truck on the suspected high-emitter list (registry.emitters): since when, and why."""

    listed_at: datetime
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    """One version of one rule's parameters, in force on local dates [effective_from, effective_to]."""

    id: int
    rule: str
    params: Mapping = field(default_factory=dict)
    effective_from: date = date.min
    effective_to: date | None = None
    clause: str = ""

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class PolicyBook(dict):
    """The policies in force on one local day by rule, each rule's in id order: what the engine looks them
    up in. `evaluate` builds one from a plain list of policies; a caller judging many reads of a day
    builds it once and passes it instead."""

    def __init__(self, day: date, policies):
        super().__init__()
        self.day = day
        for policy in sorted(policies, key=lambda p: p.id):
            if policy.in_force_on(day):
                self.setdefault(policy.rule, []).append(policy)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # deny, review, info
    message_zh: str
    message_en: str
    clause: str
    policy_id: int | None = None
    note: str | None = None  # e.g. EXEMPTED
    alert_id: int | None = None  # the alert a staggered-transport finding is about
    related_pass_id: int | None = None  # the other pass a cloned-plate finding compares this one with
    detail: Mapping | None = None  # what a person needs beside the message (a colour question's figures)

    def as_dict(self) -> dict:
        data = {
            "rule": self.rule,
            "severity": self.severity,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "clause": self.clause,
            "policy_id": self.policy_id,
        }
        if self.note:
            data["note"] = self.note
        if self.alert_id is not None:
            data["alert_id"] = self.alert_id
        if self.related_pass_id is not None:
            data["related_pass_id"] = self.related_pass_id
        if self.detail:
            data["detail"] = dict(self.detail)
        return data


@dataclass(frozen=True)
class Verdict:
    decision: str  # pass, deny, review: from the findings alone
    findings: tuple[Finding, ...]
    policy_ids: tuple[int, ...]
    stage_inferred: bool
    plate: str  # normalised
    stage: str | None  # the stage the rules used
    alert_ids: tuple[int, ...] = ()
    # Questions for a person that never decide (a picture's colour against the camera's): they go to the
    # pass's case for review, the barrier does what the findings say.
    questions: tuple[Finding, ...] = ()

    def as_dict(self) -> dict:
        return {
            "decision": self.decision,
            "findings": [f.as_dict() for f in self.findings],
            "policy_ids": list(self.policy_ids),
            "stage_inferred": self.stage_inferred,
            "plate": self.plate,
            "emission_stage": self.stage,
            "alert_ids": list(self.alert_ids),
            "questions": [q.as_dict() for q in self.questions],
        }
