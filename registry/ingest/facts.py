"""What a batch's facts are (stage 3 gathers them, registry.ingest.gather; stage 4 decides on them):
plain values, no database. A look-up of anything not gathered finds nothing: deciding never queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from registry.identifiers.plates import lookalike_plates
from registry.rules import AlertFacts, EmitterFacts, Policy, PolicyBook, TerminalFacts, VehicleFacts
from registry.rules.zones import PermitFacts, ZoneFacts

CLONED = "CLONED_PLATE"


@dataclass(frozen=True, slots=True)
class VehicleRow:
    """A registered vehicle: what the rules see, and what a violation's record keeps of it."""

    id: int
    vin: str | None
    owner: str | None
    facts: VehicleFacts


@dataclass(frozen=True, slots=True)
class Before:
    """A stored pass as it stood before this batch judged it again."""

    decision: str
    open_violations: tuple[tuple, ...]  # (captured_at, gate_id, firm_id, rule, alert_level) of each
    case_reviewed: bool


@dataclass
class Facts:
    """The facts of one batch. Look-ups outside what was gathered find nothing (never a query)."""

    vehicles: dict[str, VehicleRow | None] = field(default_factory=dict)
    alerts: list[AlertFacts] = field(default_factory=list)
    exemptions: dict[str, set[int]] = field(default_factory=dict)
    policies: dict[date, list[Policy]] = field(default_factory=dict)
    books: dict[date, PolicyBook] = field(default_factory=dict)  # the same, as the engine looks them up
    placed: dict[str, list[tuple]] = field(default_factory=dict)  # plate -> passes at placed gates
    colour_contradictions: dict[int, int] = field(default_factory=dict)  # id(pass) -> earlier reads
    type_contradictions: dict[int, int] = field(default_factory=dict)
    before: dict[int, Before] = field(default_factory=dict)  # stored pass id -> what it was
    terminals: dict[int, TerminalFacts] = field(default_factory=dict)  # vehicle id -> its OBD terminal
    emitters: dict[str, EmitterFacts] = field(default_factory=dict)  # plate -> its high-emitter listing
    zones: dict[int, list[ZoneFacts]] = field(default_factory=dict)  # checkpoint id -> the zones it enforces
    permits: dict[str, list[PermitFacts]] = field(default_factory=dict)  # plate -> its permits

    def terminal(self, vehicle: VehicleRow | None) -> TerminalFacts | None:
        """The vehicle's remote emission terminal (None: none has been heard from)."""
        return self.terminals.get(vehicle.id) if vehicle is not None else None

    def vehicle(self, plate: str) -> VehicleRow | None:
        return self.vehicles.get(plate)

    def alerts_at(self, moment: datetime) -> list[AlertFacts]:
        return [a for a in self.alerts if a.starts_at <= moment < a.ends_at]

    def exempted(self, plate: str, alerts: list[AlertFacts]) -> frozenset[int]:
        return frozenset(self.exemptions.get(plate, set()) & {a.id for a in alerts})

    def policies_on(self, day: date) -> list[Policy]:
        return self.policies[day]

    def registered_lookalikes(self, plate: str) -> list[str]:
        return [p for p in lookalike_plates(plate) if self.vehicles.get(p) is not None]


def cloned_policy(policies: list[Policy]) -> Policy | None:
    """The cloned-plate check's policy in force, if any."""
    return next((p for p in policies if p.rule == CLONED), None)
