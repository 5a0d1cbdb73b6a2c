"""REST: an alert's evaluation (/api/v1/alerts/{alert_id}/evaluation, and .xlsx)."""

from registry.accounts.auth import READERS, require_role
from registry.alerts.services import get_alert
from registry.common.rest import Blueprint
from registry.evaluation.exports import evaluation_export
from registry.evaluation.schemas import EvaluationSchema
from registry.evaluation.services import evaluate_alert

blp = Blueprint("evaluation", __name__, url_prefix="/api/v1/alerts", description="错峰运输执行评估 Alert evaluation")


@blp.route("/<int:alert_id>/evaluation", methods=["GET"])
@require_role(*READERS)
@blp.response(200, EvaluationSchema)
def evaluation(alert_id):
    """Per firm in the alert's region: restricted and all trucks' passes a day during the alert and on its
    comparable normal days before it, the reduction, the firms where restricted traffic did not fall first."""
    return evaluate_alert(get_alert(alert_id))


@blp.route("/<int:alert_id>/evaluation.xlsx", methods=["GET"])
@require_role(*READERS)
@blp.response(200, description="the same as an XLSX report")
def evaluation_xlsx(alert_id):
    """The evaluation as an XLSX report."""
    return evaluation_export(evaluate_alert(get_alert(alert_id)))
