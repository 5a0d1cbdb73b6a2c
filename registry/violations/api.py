"""REST: /api/v1/violations — search, review, exports; a firm's electronic gate ledger."""

from flask import request
from flask.views import MethodView

from registry.accounts.auth import EDITORS, READERS, current_actor, own_firm_id, require_role
from registry.accounts.models import Role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.replica import reads_from_replica
from registry.common.rest import Blueprint
from registry.common.services import get_or_404, not_found
from registry.extensions import db
from registry.firms.models import Firm
from registry.ledger.exports import ledger_export
from registry.violations import exports, services
from registry.violations.schemas import LedgerArgsSchema, ReviewSchema, ViolationQueryArgsSchema, ViolationSchema

blp = Blueprint("violations", __name__, url_prefix="/api/v1", description="违规记录 Violations")

REVIEWERS = (*EDITORS, Role.POLICE)


class ViolationListArgs(ViolationQueryArgsSchema, PageArgsSchema):
    pass


@blp.route("/violations")
class Violations(MethodView):
    @require_role(*READERS, Role.FIRM)
    @blp.arguments(ViolationListArgs, location="query")
    @blp.response(200, page_envelope(ViolationSchema, "ViolationPage"))
    @reads_from_replica
    def get(self, args):
        """Search violations; `from`/`to` are local dates (inclusive). A firm sees its own."""
        return page_of(services.violations_query(current_actor(), args), args, services.fill_violations)


@blp.route("/violations/<int:violation_id>")
class ViolationById(MethodView):
    @require_role(*READERS, Role.FIRM)
    @blp.response(200, ViolationSchema)
    def get(self, violation_id):
        """One violation with links to its pass, pictures, vehicle and firm as they were, policies, alert."""
        return services.get_violation_for(current_actor(), violation_id)

    @require_role(*REVIEWERS)
    @blp.arguments(ReviewSchema)
    @blp.response(200, ViolationSchema)
    def patch(self, data, violation_id):
        """Review: open -> confirmed or dismissed, with a note (audited)."""
        actor = current_actor()
        violation = services.get_violation_for(actor, violation_id)
        services.review_violation(actor, violation, data["status"], data.get("note"))
        db.session.commit()
        return violation


@blp.route("/violations.<any(csv, xlsx):fmt>", methods=["GET"])
@require_role(*READERS, Role.FIRM)
@blp.arguments(ViolationQueryArgsSchema, location="query")
@blp.response(200, description="the search's result as CSV (UTF-8) or XLSX, streamed")
@reads_from_replica
def export(args, fmt):
    """Export the violations the same filters find."""
    return exports.violations_export(current_actor(), args, fmt)


@blp.route("/firms/<int:firm_id>/ledger.<any(csv, xlsx):fmt>", methods=["GET"])
@require_role(*READERS, Role.FIRM)
@blp.arguments(LedgerArgsSchema, location="query")
@blp.response(200, description="the gate ledger (MEE 2020 table 3 layout) for a range of local dates")
@reads_from_replica
def ledger(args, firm_id, fmt):
    """A firm's electronic gate ledger (门禁电子台账) for `from`..`to` (local dates, inclusive)."""
    actor = current_actor()
    own = own_firm_id(actor)
    if own is not None and own != firm_id:
        raise not_found("企业", "firm")
    firm = get_or_404(Firm, firm_id, "企业", "firm")
    base = request.host_url.rstrip("/")
    return ledger_export(firm, args["from_"], args["to"], fmt, base, args["part"])


__all__ = ["PageArgsSchema", "blp"]
