"""REST: a firm's weighbridge tickets (/api/v1/firms/{firm_id}/weigh-tickets)."""

from flask.views import MethodView

from registry.accounts.auth import EDITORS, FIRM_READERS, current_actor, require_role
from registry.accounts.models import Role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.common.time import local_day_bounds
from registry.events.schemas import PassSchema
from registry.extensions import db
from registry.firms.services import visible_firm
from registry.weighbridge import services
from registry.weighbridge.importing import ticket_rows
from registry.weighbridge.schemas import (
    ChooseSchema,
    ImportSchema,
    RangeArgsSchema,
    TicketBatchSchema,
    TicketQueryArgsSchema,
    TicketResultSchema,
    TicketSchema,
)

blp = Blueprint("weighbridge", __name__, url_prefix="/api/v1/firms", description="地磅磅单 Weighbridge tickets")
WRITERS = (*EDITORS, Role.FIRM)  # a firm: its own


class TicketListArgs(TicketQueryArgsSchema, PageArgsSchema):
    pass


class RangePageArgs(RangeArgsSchema, PageArgsSchema):
    pass


@blp.route("/<int:firm_id>/weigh-tickets")
class Tickets(MethodView):
    @require_role(*FIRM_READERS)
    @blp.arguments(TicketListArgs, location="query")
    @blp.response(200, page_envelope(TicketSchema, "WeighTicketPage"))
    def get(self, args, firm_id):
        """The firm's tickets, filtered by match status (unmatched and ambiguous ones wait for a pass)."""
        return page_of(services.tickets_query(visible_firm(current_actor(), firm_id), args), args)

    @require_role(*WRITERS)
    @blp.arguments(TicketBatchSchema)
    @blp.response(200, TicketResultSchema(many=True))
    def post(self, body, firm_id):
        """Post tickets (`{"tickets": [...]}`, up to 1000): each stored and matched on its own, idempotent
        on `ticket_no`; one bad ticket is answered `invalid` and stops nothing."""
        actor = current_actor()
        results = services.record_tickets(actor, visible_firm(actor, firm_id), body["tickets"])
        db.session.commit()
        return results


@blp.route("/<int:firm_id>/weigh-tickets/import", methods=["POST"])
@require_role(*WRITERS)
@blp.arguments(ImportSchema, location="files")
@blp.response(200, TicketResultSchema(many=True))
def import_file(upload, firm_id):
    """Import the scale software's CSV or XLSX export (headers 磅单号, 车牌号, 过磅时间, 毛重, 皮重, 净重, 货物名称)."""
    actor = current_actor()
    firm = visible_firm(actor, firm_id)
    rows = ticket_rows(upload["file"].read(), upload["file"].filename or "")
    results = services.record_tickets(actor, firm, rows)
    db.session.commit()
    return results


@blp.route("/<int:firm_id>/weigh-tickets/<int:ticket_id>", methods=["PATCH"])
@require_role(*WRITERS)
@blp.arguments(ChooseSchema)
@blp.response(200, TicketSchema)
def choose(data, firm_id, ticket_id):
    """Choose the pass of an ambiguous or unmatched ticket, among the passes it may belong to; a matched
    ticket moves to another pass only with a `reason` (audited)."""
    actor = current_actor()
    ticket = services.get_ticket(visible_firm(actor, firm_id), ticket_id)
    ticket = services.choose_pass(actor, ticket, data["pass_id"], data.get("reason"))
    db.session.commit()
    return ticket


@blp.route("/<int:firm_id>/passes-without-ticket", methods=["GET"])
@require_role(*FIRM_READERS)
@blp.arguments(RangePageArgs, location="query")
@blp.response(200, page_envelope(PassSchema, "PassWithoutTicketPage"))
def passes_without_ticket(args, firm_id):
    """The firm's passes out of the plant by registered trucks that no ticket fills (local dates)."""
    firm = visible_firm(current_actor(), firm_id)
    start, end = local_day_bounds(args["from_"])[0], local_day_bounds(args["to"])[1]
    return page_of(services.passes_without_ticket(firm, start, end), args)
