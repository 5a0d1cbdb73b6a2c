"""Registering, updating and finding vehicles."""

from sqlalchemy import or_, select

from registry.cases.models import Case
from registry.common.errors import DomainError
from registry.common.services import add_audited, change_audited, ensure_unique, get_or_404
from registry.extensions import db
from registry.firms.models import Firm
from registry.identifiers.plates import normalise_plate
from registry.vehicles.models import StageSource, Vehicle
from registry.vehicles.schemas import VehicleSchema, stage_fuel_problem


def _snapshot(vehicle: Vehicle) -> dict:
    return VehicleSchema(exclude=("created_at", "updated_at")).dump(vehicle)


def get_vehicle(vehicle_id: int) -> Vehicle:
    return get_or_404(Vehicle, vehicle_id, "车辆", "vehicle")


def _ensure_identifiers_free(data: dict, exclude_id=None) -> None:
    if data.get("firm_id") is not None:
        get_or_404(Firm, data["firm_id"], "企业", "firm", field="firm_id")
    ensure_unique(Vehicle, Vehicle.plate, data.get("plate"), "plate", "号牌", "plate", exclude_id)
    ensure_unique(Vehicle, Vehicle.vin, data.get("vin"), "vin", "车辆识别代号", "VIN", exclude_id)


def create_vehicle(actor, data: dict) -> Vehicle:
    """Register a vehicle; plate and VIN each belong to one vehicle."""
    _ensure_identifiers_free(data)
    return add_audited(actor, Vehicle(**data), "vehicle", _snapshot)


def update_vehicle(actor, vehicle: Vehicle, data: dict) -> Vehicle:
    """Change some fields; the result as a whole must still be consistent."""
    _ensure_identifiers_free(data, exclude_id=vehicle.id)
    problem = stage_fuel_problem(
        data.get("emission_stage", vehicle.emission_stage), data.get("fuel_type", vehicle.fuel_type)
    )
    if problem:
        raise DomainError(problem, "emission_stage")
    if "emission_stage" in data and "stage_source" not in data:
        data = data | {"stage_source": StageSource.DECLARED if data["emission_stage"] else None}
    return change_audited(actor, vehicle, data, "vehicle", _snapshot)


def vehicles_query(args: dict):
    """Vehicles matching the list filters, by plate."""
    query = select(Vehicle).order_by(Vehicle.plate, Vehicle.id)
    if args.get("q"):
        query = query.where(_found_by(args["q"]))
    if args.get("firm_id"):
        query = query.where(Vehicle.firm_id == args["firm_id"])
    if args.get("plate_prefix"):
        query = query.where(Vehicle.plate.startswith(args["plate_prefix"].upper(), autoescape=True))
    if args.get("stage_unknown"):
        query = query.where(Vehicle.emission_stage.is_(None))
    for key in ("plate", "plate_color", "emission_stage", "fuel_type", "vehicle_class", "owner"):
        if key in args:
            query = query.where(getattr(Vehicle, key) == args[key])
    return query


def _found_by(text: str):
    """A clerk's search box: the start of a plate or a VIN, or part of the owner's (fleet's) name."""
    typed = text.strip()
    plate = normalise_plate(typed)
    return or_(
        Vehicle.plate.startswith(plate, autoescape=True),
        Vehicle.vin.startswith(typed.upper(), autoescape=True),
        Vehicle.owner.contains(typed, autoescape=True),
    )


def recent_cases(vehicle: Vehicle, limit: int = 10) -> list:
    """The truck's last cases (one per pass in breach), newest first."""
    query = select(Case).where(Case.plate == vehicle.plate).order_by(Case.captured_at.desc()).limit(limit)
    return list(db.session.scalars(query))
