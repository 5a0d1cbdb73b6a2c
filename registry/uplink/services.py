"""Targets of the uplink: added, changed, released from their pause, and how each stands."""

from flask import current_app
from sqlalchemy import select

from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError, NotFound
from registry.common.i18n import t
from registry.common.outbound import OutboundRefused, destination
from registry.extensions import db
from registry.uplink.models import UplinkTarget
from registry.uplink.outbox import backlog

SHOWN = ("name", "transport", "url", "ca_file", "batch_size", "enabled")  # never the token


def _shown(target: UplinkTarget) -> dict:
    return {name: getattr(target, name) for name in SHOWN}


def get_target(target_id: int) -> UplinkTarget:
    target = db.session.get(UplinkTarget, target_id)
    if target is None:
        raise NotFound(t("没有该上报目标", "No such uplink target"))
    return target


def _callable(url: str) -> None:
    """A target's address must be one the relay may call (a name that does not resolve yet is taken: it is
    checked again at every send)."""
    try:
        destination(url, current_app.config["OUTBOUND_PRIVATE_HOSTS"])
    except OutboundRefused as exc:
        if not exc.unresolved:
            raise DomainError(t(exc.zh, exc.en), "url") from None


def _certificate(name: str | None) -> None:
    if name and ("/" in name or "\\" in name or name.startswith(".")):
        message = t("应为 UPLINK_CA_DIR 中的证书文件名", "a certificate's file name in UPLINK_CA_DIR")
        raise DomainError(message, "ca_file")


def add_target(actor, data: dict) -> UplinkTarget:
    """A new target starts at the beginning of what the outbox still holds."""
    if db.session.scalar(select(UplinkTarget.id).where(UplinkTarget.name == data["name"])):
        raise Conflict(t("上报目标名称已存在", "An uplink target of that name exists"), "name")
    _certificate(data.get("ca_file"))
    _callable(data["url"])
    target = UplinkTarget(**data)
    db.session.add(target)
    db.session.flush()
    record_change(actor, "create", "uplink_target", target.id, after=_shown(target))
    return target


def change_target(actor, target: UplinkTarget, data: dict) -> UplinkTarget:
    """Change a target. A new address without a new token drops the stored token: a token given for one
    platform is never sent to another (the target waits, saying so, until its token is given)."""
    before = _shown(target)
    _certificate(data.get("ca_file"))
    if "url" in data:
        _callable(data["url"])
        if data["url"] != target.url and "token" not in data:
            target.token = ""
    for name, value in data.items():
        setattr(target, name, value)
    if data.get("enabled") or "url" in data or "token" in data:
        target.next_attempt_at = None  # try the corrected target now
    record_change(actor, "update", "uplink_target", target.id, before=before, after=_shown(target))
    return target


def targets_status() -> list[dict]:
    """Every target with its backlog (counted up to COUNT_CAP), last success and last error."""
    cap = current_app.config["COUNT_CAP"]
    rows = []
    for target in db.session.scalars(select(UplinkTarget).order_by(UplinkTarget.name)):
        waiting = backlog(target, cap)
        rows.append(
            {
                "target": target,
                "backlog": waiting,
                "backlog_capped": waiting >= cap,
                "failing": target.failures > 0,
            }
        )
    return rows
