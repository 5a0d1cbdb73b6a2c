"""REST: a firm's in-plant transport vehicles (/api/v1/firms/{firm_id}/plant-vehicles), ledger table 4."""

from flask.views import MethodView

from registry.accounts.auth import EDITORS, FIRM_READERS, current_actor, require_role
from registry.accounts.models import Role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.extensions import db
from registry.firms.services import visible_firm
from registry.inplant import services
from registry.inplant.schemas import PlantVehicleInputSchema, PlantVehicleSchema, PlantVehicleUpdateSchema

blp = Blueprint("plant_vehicles", __name__, url_prefix="/api/v1/firms", description="厂内运输车辆 In-plant vehicles")
WRITERS = (*EDITORS, Role.FIRM)  # a firm: its own


@blp.route("/<int:firm_id>/plant-vehicles")
class PlantVehicles(MethodView):
    @require_role(*FIRM_READERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_envelope(PlantVehicleSchema, "PlantVehiclePage"))
    def get(self, args, firm_id):
        """The firm's in-plant transport vehicles, retired ones included (the ledger keeps them)."""
        return page_of(services.plant_vehicles_query(visible_firm(current_actor(), firm_id)), args)

    @require_role(*WRITERS)
    @blp.arguments(PlantVehicleInputSchema)
    @blp.response(201, PlantVehicleSchema)
    def post(self, data, firm_id):
        """Register an in-plant transport vehicle (its code unique within the firm)."""
        actor = current_actor()
        vehicle = services.add_plant_vehicle(actor, visible_firm(actor, firm_id), data)
        db.session.commit()
        return vehicle


@blp.route("/<int:firm_id>/plant-vehicles/<int:vehicle_id>", methods=["PATCH"])
@require_role(*WRITERS)
@blp.arguments(PlantVehicleUpdateSchema(partial=True))
@blp.response(200, PlantVehicleSchema)
def change(data, firm_id, vehicle_id):
    """Correct an in-plant vehicle, or retire it (`retired: true`)."""
    actor = current_actor()
    firm = visible_firm(actor, firm_id)
    vehicle = services.change_plant_vehicle(actor, firm, services.get_plant_vehicle(firm, vehicle_id), data)
    db.session.commit()
    return vehicle
