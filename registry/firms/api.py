"""REST: /api/v1/firms."""

from flask.views import MethodView

from registry.accounts.auth import EDITORS, FIRM_READERS, current_actor, require_role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.extensions import db
from registry.firms import services
from registry.firms.schemas import (
    FirmInputSchema,
    FirmQueryArgsSchema,
    FirmSchema,
    FirmUpdateSchema,
)

blp = Blueprint("firms", __name__, url_prefix="/api/v1/firms", description="企业 Firms")


class FirmListArgs(FirmQueryArgsSchema, PageArgsSchema):
    pass


@blp.route("")
class Firms(MethodView):
    @require_role(*FIRM_READERS)
    @blp.arguments(FirmListArgs, location="query")
    @blp.response(200, page_envelope(FirmSchema, "FirmPage"))
    def get(self, args):
        """List firms, filtered and paginated (a firm user: its own)."""
        return page_of(services.firms_query(args, current_actor()), args)

    @require_role(*EDITORS)
    @blp.arguments(FirmInputSchema)
    @blp.response(201, FirmSchema)
    def post(self, data):
        """Register a firm."""
        firm = services.create_firm(current_actor(), data)
        db.session.commit()
        return firm


@blp.route("/<int:firm_id>")
class FirmById(MethodView):
    @require_role(*FIRM_READERS)
    @blp.response(200, FirmSchema)
    def get(self, firm_id):
        """One firm."""
        return services.visible_firm(current_actor(), firm_id)

    @require_role(*EDITORS)
    @blp.arguments(FirmUpdateSchema(partial=True))
    @blp.response(200, FirmSchema)
    def patch(self, data, firm_id):
        """Change some of a firm's fields."""
        firm = services.update_firm(current_actor(), services.get_firm(firm_id), data)
        db.session.commit()
        return firm
