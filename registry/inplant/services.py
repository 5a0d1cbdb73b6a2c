"""Registering a firm's in-plant transport vehicles (audited). Services flush; the caller commits."""

from sqlalchemy import select

from registry.common.errors import DomainError, NotFound
from registry.common.i18n import t
from registry.common.services import add_audited, change_audited
from registry.common.time import utcnow
from registry.extensions import db
from registry.firms.models import Firm
from registry.inplant.models import PlantVehicle
from registry.inplant.schemas import PlantVehicleSchema
from registry.vehicles.schemas import stage_fuel_problem


def _snapshot(vehicle: PlantVehicle) -> dict:
    return PlantVehicleSchema(exclude=("created_at", "emission_stage_label")).dump(vehicle)


def plant_vehicles_query(firm: Firm):
    return select(PlantVehicle).where(PlantVehicle.firm_id == firm.id).order_by(PlantVehicle.code, PlantVehicle.id)


def get_plant_vehicle(firm: Firm, vehicle_id: int) -> PlantVehicle:
    vehicle = db.session.get(PlantVehicle, vehicle_id)
    if vehicle is None or vehicle.firm_id != firm.id:
        raise NotFound(t("厂内车辆不存在", "in-plant vehicle not found"), "vehicle_id")
    return vehicle


def _unique_code(firm: Firm, code: str | None, exclude_id=None) -> None:
    if code is None:
        return
    query = select(PlantVehicle.id).where(PlantVehicle.firm_id == firm.id, PlantVehicle.code == code)
    if exclude_id is not None:
        query = query.where(PlantVehicle.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise DomainError(t(f"本企业已有编号为 {code} 的厂内车辆", f"{code} is registered already"), "code")


def add_plant_vehicle(actor, firm: Firm, data: dict) -> PlantVehicle:
    _unique_code(firm, data["code"])
    problem = stage_fuel_problem(data["emission_stage"], data["fuel_type"])
    if problem:
        raise DomainError(problem, "emission_stage")
    vehicle = PlantVehicle(firm_id=firm.id, created_by_id=getattr(actor, "id", None), **data)
    return add_audited(actor, vehicle, "plant_vehicle", _snapshot)


def change_plant_vehicle(actor, firm: Firm, vehicle: PlantVehicle, data: dict) -> PlantVehicle:
    data = dict(data)
    _unique_code(firm, data.get("code"), vehicle.id)
    retired = data.pop("retired", None)
    if retired is not None:
        data["retired_at"] = (vehicle.retired_at or utcnow()) if retired else None
    problem = stage_fuel_problem(
        data.get("emission_stage", vehicle.emission_stage), data.get("fuel_type", vehicle.fuel_type)
    )
    if problem:
        raise DomainError(problem, "emission_stage")
    return change_audited(actor, vehicle, data, "plant_vehicle", _snapshot)
