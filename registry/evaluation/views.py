"""Page: an alert's evaluation, firm by firm (错峰运输执行评估)."""

from flask import Blueprint, render_template

from registry.accounts.auth import READERS
from registry.accounts.views import page_roles
from registry.alerts.services import get_alert
from registry.evaluation.exports import evaluation_export
from registry.evaluation.services import evaluate_alert

bp = Blueprint("evaluation_pages", __name__)


@bp.get("/alerts/<int:alert_id>/evaluation")
@page_roles(*READERS)
def evaluation(alert_id):
    return render_template("alerts/evaluation.html", e=evaluate_alert(get_alert(alert_id)))


@bp.get("/alerts/<int:alert_id>/evaluation.xlsx")
@page_roles(*READERS)
def evaluation_xlsx(alert_id):
    """The XLSX report for a signed-in reader (the API's needs a token)."""
    return evaluation_export(evaluate_alert(get_alert(alert_id)))
