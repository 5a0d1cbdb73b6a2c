"""Issuing and ending alerts, approving exemptions, and finding what covers a moment."""

from datetime import datetime

from sqlalchemy import or_, select

from registry.alerts.models import Alert, Exemption
from registry.alerts.schemas import AlertSchema
from registry.audit.models import AuditEntry
from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError
from registry.common.i18n import t
from registry.common.services import add_audited, apply_changes, change_audited, get_or_404
from registry.common.time import utcnow
from registry.extensions import db
from registry.firms.services import regions
from registry.rules import AlertFacts


def _snapshot(alert: Alert) -> dict:
    return AlertSchema().dump(alert)


def get_alert(alert_id: int) -> Alert:
    return get_or_404(Alert, alert_id, "预警", "alert")


def _region(region: str | None) -> None:
    known = regions()
    if region and region not in known:
        listed = "、".join(known) or t("（尚无企业填写区域）", "(no firm has a region yet)")
        raise DomainError(
            t(f"没有企业位于区域“{region}”。可选：全区、{listed}", f"no firm is in '{region}'; choose: {listed}"),
            "region",
        )


def issue_alert(actor, data: dict) -> Alert:
    """Record an alert issued by the city (start and end as announced), for the whole district or a
    region some firm is in."""
    _region(data.get("region"))
    return add_audited(actor, Alert(**data, issued_by_id=getattr(actor, "id", None)), "alert", _snapshot)


def withdraw_alert(actor, alert: Alert, reason: str, now: datetime | None = None) -> Alert:
    """Withdraw (撤销) an alert that has not begun: issued by mistake, it never takes effect. It stays
    listed with who withdrew it and why; an alert in force is ended instead (end_alert)."""
    now = now or utcnow()
    state = alert.state(now)
    if state == "withdrawn":
        raise Conflict(t(f"预警 {alert.id} 已撤销", f"alert {alert.id} has been withdrawn already"))
    if state != "scheduled":
        raise DomainError(
            t("预警已开始，不能撤销；生效中的预警请“解除”或“更正”", "the alert has begun: end or correct it instead"),
            "reason",
        )
    changes = {"withdrawn_at": now, "withdrawn_by_id": getattr(actor, "id", None), "withdrawal_reason": reason}
    before = _snapshot(alert)
    for key, value in changes.items():
        setattr(alert, key, value)
    db.session.flush()
    record_change(actor, "withdraw", "alert", alert.id, before=before, after=_snapshot(alert) | {"reason": reason})
    return alert


def correct_alert(actor, alert: Alert, data: dict, now: datetime | None = None) -> Alert:
    """Correct an alert entered by mistake (level, region, times, document number), with the reason; the
    audit keeps it before and after. What has already taken effect stays as it was: a begun alert keeps
    its start, and the verdicts judged under it keep their findings."""
    now = now or utcnow()
    data = dict(data)
    reason = data.pop("reason")
    state = alert.state(now)
    if state in ("withdrawn", "ended", "ended_early"):
        raise Conflict(t("已撤销或已结束的预警不能更正", "a withdrawn or ended alert cannot be corrected"))
    if state == "in_force" and "starts_at" in data and data["starts_at"] != alert.starts_at:
        message = t("预警已开始，开始时间不能更改", "the alert has begun: its start cannot change")
        raise DomainError(message, "starts_at")
    starts, ends = data.get("starts_at", alert.starts_at), data.get("ends_at", alert.ends_at)
    if ends <= starts:
        raise DomainError(t("结束时间须晚于开始时间", "ends_at must be after starts_at"), "ends_at")
    if state == "in_force" and ends <= now:
        raise DomainError(t("结束时间已过：请“解除”预警", "that end has passed: end the alert instead"), "ends_at")
    if "region" in data:
        _region(data["region"])
    before = _snapshot(alert)
    if apply_changes(alert, data):
        db.session.flush()
        record_change(actor, "correct", "alert", alert.id, before=before, after=_snapshot(alert) | {"reason": reason})
    return alert


def history(alert: Alert) -> list[AuditEntry]:
    """Everything done to the alert, oldest first (issued, corrected, withdrawn, ended)."""
    query = select(AuditEntry).where(AuditEntry.entity == "alert", AuditEntry.entity_id == alert.id)
    return list(db.session.scalars(query.order_by(AuditEntry.at, AuditEntry.id)))


def end_alert(actor, alert: Alert, ended_at: datetime | None = None) -> Alert:
    """End an alert early (提前解除)."""
    ended_at = ended_at or utcnow()
    if alert.withdrawn_at is not None:
        raise Conflict(t(f"预警 {alert.id} 已撤销", f"alert {alert.id} has been withdrawn"))
    if alert.ended_early_at is not None:
        raise Conflict(t(f"预警 {alert.id} 已解除", f"alert {alert.id} has already ended"))
    if ended_at < alert.starts_at:
        raise DomainError(
            t("预警尚未开始：误发的预警请“撤销”", "the alert has not begun: withdraw it instead"), "ended_at"
        )
    if not alert.starts_at <= ended_at < alert.ends_at:
        raise DomainError(
            t("解除时间须在预警开始与结束之间", "ended_at must fall between the alert's start and end"), "ended_at"
        )
    return change_audited(actor, alert, {"ended_early_at": ended_at}, "alert", _snapshot)


def covering(moment: datetime):
    """Alerts in force at `moment` (any region); a withdrawn alert never is."""
    return select(Alert).where(
        Alert.withdrawn_at.is_(None),
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
