"""One path from a plate read to a verdict, shared by what-if checks and gate ingest."""

from dataclasses import dataclass, field
from datetime import datetime

from registry.common.time import local_date
from registry.compliance.facts import Facts
from registry.firms.models import Firm
from registry.identifiers.plates import is_valid_plate, normalise_plate
from registry.rules import FirmFacts, Picture, Read, VehicleFacts, Verdict, evaluate
from registry.vehicles.models import Vehicle


@dataclass
class Check:
    verdict: Verdict
    vehicle: Vehicle | None
    suggestions: list[str] = field(default_factory=list)  # registered look-alike plates

    def as_dict(self) -> dict:
        return self.verdict.as_dict() | {"suggestions": self.suggestions}


def vehicle_facts(vehicle: Vehicle) -> VehicleFacts:
    return VehicleFacts(
        vehicle.plate,
        vehicle.plate_color.value,
        vehicle.emission_stage.value if vehicle.emission_stage else None,
        vehicle.fuel_type.value,
        vehicle.vehicle_class.value,
        vehicle.registration_date,
    )


def firm_facts(firm: Firm) -> FirmFacts:
    return FirmFacts(
        firm.id,
        firm.industry.value,
        firm.annual_freight_tonnes,
        firm.in_planning_area,
        firm.performance_grade.value,
        firm.region,
    )


def check_read(
    plate_text: str,
    plate_color: str | None,
    firm: Firm | None,
    at: datetime,
    facts: Facts | None = None,
    picture: Picture | None = None,
) -> Check:
    """The verdict for a read of `plate_text` at `firm`'s gate at moment `at`; stores nothing.

    `facts` shares lookups across a batch of reads (gate ingest); alone, it looks up as it goes."""
    facts = facts or Facts()
    plate = normalise_plate(plate_text)
    valid = is_valid_plate(plate)
    vehicle = facts.vehicle(plate) if valid else None
    alerts = facts.alerts_at(at)
    exempted = facts.exempted(plate, [a.id for a in alerts]) if valid else frozenset()
    verdict = evaluate(
        Read(plate_text, plate_color, at, picture),
        vehicle_facts(vehicle) if vehicle else None,
        firm_facts(firm) if firm else None,
        alerts,
        exempted,
        facts.policies(local_date(at)),
    )
    suggestions = facts.registered_lookalikes(plate) if valid and vehicle is None else []
    return Check(verdict, vehicle, suggestions)
