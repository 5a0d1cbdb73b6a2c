"""REST: /api/v1/vehicles."""

from flask.views import MethodView

from registry.accounts.auth import EDITORS, READERS, current_actor, require_role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.extensions import db
from registry.vehicles import services
from registry.vehicles.schemas import (
    VehicleInputSchema,
    VehicleQueryArgsSchema,
    VehicleSchema,
    VehicleUpdateSchema,
)

blp = Blueprint("vehicles", __name__, url_prefix="/api/v1/vehicles", description="车辆 Vehicles")


class VehicleListArgs(VehicleQueryArgsSchema, PageArgsSchema):
    pass


@blp.route("")
class Vehicles(MethodView):
    @require_role(*READERS)
    @blp.arguments(VehicleListArgs, location="query")
    @blp.response(200, page_envelope(VehicleSchema, "VehiclePage"))
    def get(self, args):
        """List vehicles, filtered and paginated."""
        return page_of(services.vehicles_query(args), args)

    @require_role(*EDITORS)
    @blp.arguments(VehicleInputSchema)
    @blp.response(201, VehicleSchema)
    def post(self, data):
        """Register a vehicle."""
        vehicle = services.create_vehicle(current_actor(), data)
        db.session.commit()
        return vehicle


@blp.route("/<int:vehicle_id>")
class VehicleById(MethodView):
    @require_role(*READERS)
    @blp.response(200, VehicleSchema)
    def get(self, vehicle_id):
        """One vehicle."""
        return services.get_vehicle(vehicle_id)

    @require_role(*EDITORS)
    @blp.arguments(VehicleUpdateSchema(partial=True))
    @blp.response(200, VehicleSchema)
    def patch(self, data, vehicle_id):
        """Change some of a vehicle's fields."""
        vehicle = services.update_vehicle(current_actor(), services.get_vehicle(vehicle_id), data)
        db.session.commit()
        return vehicle
