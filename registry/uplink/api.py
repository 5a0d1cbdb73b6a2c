"""REST: the uplink's targets and how each stands (/api/v1/uplink/targets)."""

from flask.views import MethodView

from registry.accounts.auth import EDITORS, current_actor, require_role
from registry.accounts.models import Role
from registry.common.rest import Blueprint
from registry.extensions import db
from registry.uplink import services
from registry.uplink.schemas import TargetChangeSchema, TargetInputSchema, TargetSchema, TargetStatusSchema

blp = Blueprint("uplink", __name__, url_prefix="/api/v1/uplink", description="数据上报 Reporting upward")


@blp.route("/targets")
class Targets(MethodView):
    @require_role(*EDITORS)
    @blp.response(200, TargetStatusSchema(many=True))
    def get(self):
        """Every higher platform this one reports to: backlog, cursor, last success, last error."""
        return services.targets_status()

    @require_role(Role.ADMIN)
    @blp.arguments(TargetInputSchema)
    @blp.response(201, TargetSchema)
    def post(self, data):
        """Add a target; it is sent what the outbox still holds, then everything after."""
        target = services.add_target(current_actor(), data)
        db.session.commit()
        return target


@blp.route("/targets/<int:target_id>")
class Target(MethodView):
    @require_role(Role.ADMIN)
    @blp.arguments(TargetChangeSchema(partial=True))
    @blp.response(200, TargetSchema)
    def patch(self, data, target_id):
        """Change a target (a new address or token is tried at once; `enabled: false` stops sending)."""
        target = services.change_target(current_actor(), services.get_target(target_id), data)
        db.session.commit()
        return target
