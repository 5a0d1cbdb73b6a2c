"""Issuing and ending alerts, approving exemptions, and finding what covers a moment."""

from datetime import datetime

from sqlalchemy import or_, select

from registry.alerts.models import Alert, Exemption
from registry.alerts.schemas import AlertSchema
from registry.common.errors import Conflict, DomainError
from registry.common.i18n import t
from registry.common.services import add_audited, change_audited, get_or_404
from registry.common.time import utcnow
from registry.extensions import db
from registry.rules import AlertFacts


def _snapshot(alert: Alert) -> dict:
    return AlertSchema().dump(alert)


def get_alert(alert_id: int) -> Alert:
    return get_or_404(Alert, alert_id, "预警", "alert")


def issue_alert(actor, data: dict) -> Alert:
    """Record an alert issued by the city (start and end as announced)."""
    return add_audited(actor, Alert(**data, issued_by_id=getattr(actor, "id", None)), "alert", _snapshot)


def end_alert(actor, alert: Alert, ended_at: datetime | None = None) -> Alert:
    """End an alert early (提前解除)."""
    ended_at = ended_at or utcnow()
    if alert.ended_early_at is not None:
        raise Conflict(t(f"预警 {alert.id} 已解除", f"alert {alert.id} has already ended"))
    if not alert.starts_at <= ended_at < alert.ends_at:
        raise DomainError(
            t("解除时间须在预警开始与结束之间", "ended_at must fall between the alert's start and end"), "ended_at"
        )
    return change_audited(actor, alert, {"ended_early_at": ended_at}, "alert", _snapshot)


def covering(moment: datetime):
    """Alerts in force at `moment` (any region)."""
    return select(Alert).where(
        Alert.starts_at <= moment,
        Alert.ends_at > moment,
        or_(Alert.ended_early_at.is_(None), Alert.ended_early_at > moment),
    )


def alerts_query(args: dict):
    query = select(Alert).order_by(Alert.starts_at.desc(), Alert.id.desc())
    if args.get("active") or args.get("at"):
        query = covering(args.get("at") or utcnow()).order_by(Alert.starts_at.desc(), Alert.id.desc())
    if args.get("level"):
        query = query.where(Alert.level == args["level"])
    return query


def alert_facts(alert) -> AlertFacts:
    """An alert (a row, or its columns) as the rules see it: it ends when it was ended early."""
    ends = min(alert.ends_at, alert.ended_early_at) if alert.ended_early_at else alert.ends_at
    return AlertFacts(alert.id, getattr(alert.level, "value", alert.level), alert.region, alert.starts_at, ends)


def approve_exemption(actor, alert: Alert, data: dict) -> Exemption:
    """An approved exemption for one plate during one alert; the approver is the actor."""
    existing = db.session.scalar(
        select(Exemption.id).where(Exemption.alert_id == alert.id, Exemption.plate == data["plate"])
    )
    if existing:
        raise Conflict(
            t(
                f"{data['plate']} 在预警 {alert.id} 期间已有豁免（编号 {existing}）",
                f"{data['plate']} already has exemption {existing} for alert {alert.id}",
            ),
            "plate",
        )
    exemption = Exemption(alert=alert, **data, approved_by_id=getattr(actor, "id", None))
    return add_audited(
        actor, exemption, "exemption", lambda e: {"alert_id": alert.id, "plate": e.plate, "reason": e.reason}
    )
