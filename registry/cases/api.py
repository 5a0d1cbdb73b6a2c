"""REST: /api/v1/cases — the review queue: one case per pass with findings, reviewed once."""

from flask.views import MethodView

from registry.accounts.auth import READERS, current_actor, require_role
from registry.accounts.models import Role
from registry.cases import services
from registry.cases.schemas import CaseQueryArgsSchema, CaseReviewSchema, CaseSchema
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.replica import reads_from_replica
from registry.common.rest import Blueprint
from registry.extensions import db
from registry.violations.api import REVIEWERS

blp = Blueprint("cases", __name__, url_prefix="/api/v1", description="案件 Cases (one per pass with findings)")


class CaseListArgs(CaseQueryArgsSchema, PageArgsSchema):
    pass


@blp.route("/cases")
class Cases(MethodView):
    @require_role(*READERS, Role.FIRM)
    @blp.arguments(CaseListArgs, location="query")
    @blp.response(200, page_envelope(CaseSchema, "CasePage"))
    @reads_from_replica
    def get(self, args):
        """Search cases (`status=open`: the review queue); `from`/`to` are local dates. A firm sees its own."""
        return page_of(services.cases_query(current_actor(), args), args, services.fill_cases)


@blp.route("/cases/<int:case_id>")
class CaseById(MethodView):
    @require_role(*READERS, Role.FIRM)
    @blp.response(200, CaseSchema)
    def get(self, case_id):
        """One case: every finding of the pass, the evidence, the vehicle and firm as they were."""
        return services.get_case_for(current_actor(), case_id)

    @require_role(*REVIEWERS)
    @blp.arguments(CaseReviewSchema)
    @blp.response(200, CaseSchema)
    def patch(self, data, case_id):
        """Review each finding (`findings`: violation_id, status, note) or all open ones alike (`status`,
        `note`). A dismissal needs a note, and so does confirming a finding of severity review. The case
        is confirmed when any finding is, dismissed when none is, and stays open while one is (audited)."""
        actor = current_actor()
        case = services.get_case_for(actor, case_id)
        if "findings" in data:
            decisions = {f["violation_id"]: (f["status"], f.get("note")) for f in data["findings"]}
            services.review_findings(actor, case, decisions, data.get("note"))
        else:
            services.review_case(actor, case, data["status"], data.get("note"))
        db.session.commit()
        return case
