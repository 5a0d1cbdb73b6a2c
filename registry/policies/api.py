"""REST: /api/v1/policies (管控规则)."""

from flask.views import MethodView

from registry.accounts.auth import EDITORS, READERS, current_actor, require_role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.extensions import db
from registry.policies import services
from registry.policies.schemas import PolicyChangeSchema, PolicyInputSchema, PolicyQueryArgsSchema, PolicySchema

blp = Blueprint("policies", __name__, url_prefix="/api/v1/policies", description="管控规则 Policies")


class PolicyListArgs(PolicyQueryArgsSchema, PageArgsSchema):
    pass


@blp.route("")
class Policies(MethodView):
    @require_role(*READERS)
    @blp.arguments(PolicyListArgs, location="query")
    @blp.response(200, page_envelope(PolicySchema, "PolicyPage"))
    def get(self, args):
        """Current policy versions, optionally only those in force on a local date."""
        return page_of(services.policies_query(args), args)

    @require_role(*EDITORS)
    @blp.arguments(PolicyInputSchema)
    @blp.response(201, PolicySchema)
    def post(self, data):
        """Add a rule version (e.g. next year's plan)."""
        policy = services.create_policy(current_actor(), data)
        db.session.commit()
        return policy


@blp.route("/<int:policy_id>")
class PolicyById(MethodView):
    @require_role(*READERS)
    @blp.response(200, PolicySchema)
    def get(self, policy_id):
        """One policy version, superseded or not."""
        return services.get_policy(policy_id)

    @require_role(*EDITORS)
    @blp.arguments(PolicyChangeSchema)
    @blp.response(200, PolicySchema)
    def patch(self, changes, policy_id):
        """Revise a policy: answers the new version; the old one stays for the verdicts that used it."""
        revision = services.revise_policy(current_actor(), services.get_policy(policy_id), changes)
        db.session.commit()
        return revision
