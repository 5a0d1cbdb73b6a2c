"""REST: /api/v1/alerts and their exemptions."""

from flask.views import MethodView

from registry.accounts.auth import EDITORS, FIRM_READERS, READERS, current_actor, require_role
from registry.alerts import services
from registry.alerts.schemas import (
    AlertChangeSchema,
    AlertEndSchema,
    AlertInputSchema,
    AlertQueryArgsSchema,
    AlertSchema,
    AlertWithdrawSchema,
    ExemptionInputSchema,
    ExemptionSchema,
)
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.extensions import db

blp = Blueprint("alerts", __name__, url_prefix="/api/v1/alerts", description="重污染天气预警 Alerts")


class AlertListArgs(AlertQueryArgsSchema, PageArgsSchema):
    pass


@blp.route("")
class Alerts(MethodView):
    @require_role(*FIRM_READERS)
    @blp.arguments(AlertListArgs, location="query")
    @blp.response(200, page_envelope(AlertSchema, "AlertPage"))
    def get(self, args):
        """Alerts, newest first; `active=true` for those in force now."""
        return page_of(services.alerts_query(args), args)

    @require_role(*EDITORS)
    @blp.arguments(AlertInputSchema)
    @blp.response(201, AlertSchema)
    def post(self, data):
        """Record an alert issued by the city."""
        alert = services.issue_alert(current_actor(), data)
        db.session.commit()
        return alert


@blp.route("/<int:alert_id>")
class AlertById(MethodView):
    @require_role(*FIRM_READERS)
    @blp.response(200, AlertSchema)
    def get(self, alert_id):
        """One alert."""
        return services.get_alert(alert_id)

    @require_role(*EDITORS)
    @blp.arguments(AlertChangeSchema)
    @blp.response(200, AlertSchema)
    def patch(self, data, alert_id):
        """Correct an alert entered by mistake (level, region, times, document number) with a `reason`; the
        audit keeps it before and after. A begun alert keeps its start; an ended or withdrawn one is final."""
        alert = services.correct_alert(current_actor(), services.get_alert(alert_id), data)
        db.session.commit()
        return alert


@blp.route("/<int:alert_id>/withdraw")
class AlertWithdraw(MethodView):
    @require_role(*EDITORS)
    @blp.arguments(AlertWithdrawSchema)
    @blp.response(200, AlertSchema)
    def post(self, data, alert_id):
        """Withdraw (撤销) an alert that has not begun, with the reason: it never takes effect."""
        alert = services.withdraw_alert(current_actor(), services.get_alert(alert_id), data["reason"])
        db.session.commit()
        return alert


@blp.route("/<int:alert_id>/end")
class AlertEnd(MethodView):
    @require_role(*EDITORS)
    @blp.arguments(AlertEndSchema)
    @blp.response(200, AlertSchema)
    def post(self, data, alert_id):
        """End an alert in force early (now, or at `ended_at`); one that has not begun is withdrawn instead."""
        alert = services.end_alert(current_actor(), services.get_alert(alert_id), data.get("ended_at"))
        db.session.commit()
        return alert


@blp.route("/<int:alert_id>/exemptions")
class AlertExemptions(MethodView):
    @require_role(*READERS)
    @blp.response(200, ExemptionSchema(many=True))
    def get(self, alert_id):
        """The exemptions approved for an alert."""
        return services.get_alert(alert_id).exemptions

    @require_role(*EDITORS)
    @blp.arguments(ExemptionInputSchema)
    @blp.response(201, ExemptionSchema)
    def post(self, data, alert_id):
        """Approve an exemption for a plate during this alert; the approver is the signed-in user."""
        exemption = services.approve_exemption(current_actor(), services.get_alert(alert_id), data)
        db.session.commit()
        return exemption
