"""One path from a plate read to a verdict, shared by what-if checks and gate ingest."""

from dataclasses import dataclass, field
from datetime import datetime

from registry.common.time import local_date
from registry.compliance.facts import Facts
from registry.compliance.sightings import sightings_for, window_of
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.identifiers.plates import is_valid_plate, normalise_plate
from registry.rules import FirmFacts, Picture, Read, VehicleFacts, Verdict, evaluate
from registry.vehicles.models import Vehicle


@dataclass
class Check:
    verdict: Verdict
    vehicle: Vehicle | None
    suggestions: list[str] = field(default_factory=list)  # registered look-alike plates
    vehicle_facts: VehicleFacts | None = None  # what the rules were told of the vehicle and the firm
    firm_facts: FirmFacts | None = None

    def as_dict(self) -> dict:
        return self.verdict.as_dict() | {"suggestions": self.suggestions}


def check_read(
    plate_text: str,
    plate_color: str | None,
    firm: Firm | None,
    at: datetime,
    facts: Facts | None = None,
    picture: Picture | None = None,
    gate: Gate | None = None,
    pass_id: int | None = None,
    vehicle_type: str | None = None,
) -> Check:
    """The verdict for a read of `plate_text` at `firm`'s gate at moment `at`; stores nothing.

    `facts` shares lookups across a batch of reads (gate ingest); alone, it looks up as it goes.
    `gate` (and the stored pass's id when it is judged again): the plate's other passes are compared
    with this one for a cloned plate (CLONED_PLATE); without a gate that check is not made.
    `vehicle_type`: the camera's word for the vehicle, which that check compares with the registration."""
    facts = facts or Facts()
    plate = normalise_plate(plate_text)
    valid = is_valid_plate(plate)
    vehicle = facts.vehicle(plate) if valid else None
    alerts = facts.alerts_at(at)
    exempted = facts.exempted(plate, [a.id for a in alerts]) if valid else frozenset()
    of_vehicle = facts.of_vehicle(vehicle) if vehicle else None
    of_firm = facts.of_firm(firm) if firm else None
    policies = facts.policies(local_date(at))
    sightings = None
    window = window_of(policies) if gate is not None and valid else None
    if window is not None:
        preloaded = facts.placed_passes(plate, at - window, at + window)
        sightings = sightings_for(plate, gate, at, pass_id, plate_color, of_vehicle, policies, preloaded, vehicle_type)
    read = Read(plate_text, plate_color, at, picture, vehicle_type)
    verdict = evaluate(read, of_vehicle, of_firm, alerts, exempted, policies, sightings)
    suggestions = facts.registered_lookalikes(plate) if valid and vehicle is None else []
    return Check(verdict, vehicle, suggestions, of_vehicle, of_firm)
