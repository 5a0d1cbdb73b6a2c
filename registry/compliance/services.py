"""One path from a plate read to a verdict, shared by what-if checks and gate ingest."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from registry.alerts.services import alert_facts, covering, exempted_alert_ids
from registry.common.time import local_date
from registry.extensions import db
from registry.firms.models import Firm
from registry.identifiers.plates import is_valid_plate, lookalike_plates, normalise_plate
from registry.policies.services import policies_in_force
from registry.rules import FirmFacts, Read, VehicleFacts, Verdict, evaluate
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


def registered_lookalikes(plate: str) -> list[str]:
    candidates = lookalike_plates(plate)
    if not candidates:
        return []
    return list(db.session.scalars(select(Vehicle.plate).where(Vehicle.plate.in_(candidates)).order_by(Vehicle.plate)))


def check_read(plate_text: str, plate_color: str | None, firm: Firm | None, at: datetime) -> Check:
    """The verdict for a read of `plate_text` at `firm`'s gate at moment `at`; stores nothing."""
    plate = normalise_plate(plate_text)
    valid = is_valid_plate(plate)
    vehicle = db.session.scalar(select(Vehicle).where(Vehicle.plate == plate)) if valid else None
    alerts = [alert_facts(a) for a in db.session.scalars(covering(at))]
    exempted = exempted_alert_ids(plate, [a.id for a in alerts]) if valid else frozenset()
    verdict = evaluate(
        Read(plate_text, plate_color, at),
        vehicle_facts(vehicle) if vehicle else None,
        firm_facts(firm) if firm else None,
        alerts,
        exempted,
        policies_in_force(local_date(at)),
    )
    suggestions = registered_lookalikes(plate) if valid and vehicle is None else []
    return Check(verdict, vehicle, suggestions)
