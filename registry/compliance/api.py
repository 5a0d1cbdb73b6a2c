"""REST: POST /api/v1/checks, a what-if verdict that stores nothing."""

from flask.views import MethodView

from registry.accounts.auth import READERS, require_role
from registry.common.rest import Blueprint
from registry.common.time import utcnow
from registry.compliance.schemas import CheckInputSchema, VerdictSchema
from registry.compliance.services import check_read
from registry.firms.services import get_firm

blp = Blueprint("checks", __name__, url_prefix="/api/v1/checks", description="合规核查 Compliance checks")


@blp.route("")
class Checks(MethodView):
    @require_role(*READERS)
    @blp.arguments(CheckInputSchema)
    @blp.response(200, VerdictSchema)
    def post(self, data):
        """May this plate pass this firm's gate at this moment, and if not, why? Stores nothing."""
        firm = get_firm(data["firm_id"])
        colour = data.get("plate_color")
        return check_read(data["plate"], colour.value if colour else None, firm, data.get("at") or utcnow())
