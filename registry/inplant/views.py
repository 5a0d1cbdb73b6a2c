"""Page: a firm's in-plant fleet — its transport vehicles (ledger table 4: add, correct, take out of use)
and its non-road machinery (table 5, as the machinery registry holds it)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import EDITORS, FIRM_READERS
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.forms import form_value, submit
from registry.common.i18n import t
from registry.extensions import db
from registry.firms.services import visible_firm
from registry.inplant import services
from registry.inplant.schemas import PlantVehicleInputSchema, PlantVehicleUpdateSchema
from registry.ledger.rows import table5
from registry.machinery.models import Machinery

bp = Blueprint("plant_pages", __name__, url_prefix="/firms/<int:firm_id>/plant")

WRITERS = (*EDITORS, Role.FIRM)  # a firm: its own
FIELDS = tuple(PlantVehicleInputSchema().fields)


def _plant_form() -> dict:
    return {k: request.form.get(k, "").strip() for k in FIELDS if request.form.get(k, "").strip()}


def _page(firm, errors=None, form=None, editing=None, status=200):
    vehicles = db.session.scalars(services.plant_vehicles_query(firm)).all()
    machines = {m.id: m for m in db.session.scalars(select(Machinery).where(Machinery.firm_id == firm.id))}
    page = render_template(
        "plant/index.html",
        firm=firm,
        vehicles=vehicles,
        machinery=[(row, machines.get(machine_id)) for row, machine_id in table5(firm.id)],
        shown={v.id: {k: form_value(getattr(v, k)) for k in FIELDS} for v in vehicles},
        errors=errors,
        form=form or {},
        editing=editing,
        may_write=current_user.role in WRITERS,
    )
    return page, status


@bp.get("")
@page_roles(*FIRM_READERS)
def index(firm_id):
    return _page(visible_firm(current_user, firm_id))


@bp.post("")
@page_roles(*WRITERS)
def add(firm_id):
    firm = visible_firm(current_user, firm_id)
    vehicle, errors = submit(
        lambda: services.add_plant_vehicle(current_user, firm, PlantVehicleInputSchema().load(_plant_form()))
    )
    if errors:
        return _page(firm, errors, request.form, None, 422)
    flash(t(f"厂内车辆 {vehicle.code} 已登记，已列入台账表 4", f"In-plant vehicle {vehicle.code} added to table 4"))
    return redirect(url_for(".index", firm_id=firm.id))


@bp.post("/<int:vehicle_id>")
@page_roles(*WRITERS)
def change(firm_id, vehicle_id):
    """Correct a vehicle's fields, or take it out of use (it stays in the ledger as 停用)."""
    firm = visible_firm(current_user, firm_id)
    vehicle = services.get_plant_vehicle(firm, vehicle_id)
    data = _plant_form()
    for key in ("registration_date", "vin", "engine_no"):
        data.setdefault(key, None)  # an emptied field clears the value
    if "in_use" in request.form:
        data["retired"] = request.form["in_use"] == "0"
    _, errors = submit(
        lambda: services.change_plant_vehicle(
            current_user, firm, vehicle, PlantVehicleUpdateSchema(partial=True).load(data)
        )
    )
    if errors:
        return _page(firm, errors, request.form, vehicle_id, 422)
    flash(t(f"厂内车辆 {vehicle.code} 已保存", f"In-plant vehicle {vehicle.code} saved"))
    return redirect(url_for(".index", firm_id=firm.id))
