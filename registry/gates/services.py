"""Creating gates, rotating their secrets and authenticating them."""

import base64
import hashlib
import hmac
import os
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from registry.accounts.auth import own_firm_id
from registry.accounts.services import hash_secret, new_secret
from registry.audit.services import record_change
from registry.common.services import add_audited, change_audited, ensure_unique, not_found
from registry.common.time import utcnow
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate

MOSQUITTO_ITERATIONS = 1000


def mosquitto_password_hash(secret: str) -> str:
    """The secret in Mosquitto's password-file format ($7$: PBKDF2-HMAC-SHA512), for the broker."""
    salt = os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha512", secret.encode(), salt, MOSQUITTO_ITERATIONS, 64)
    return f"$7${MOSQUITTO_ITERATIONS}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def _set_secret(gate: Gate, secret: str) -> None:
    gate.secret_hash = hash_secret(secret)
    gate.mqtt_password_hash = mosquitto_password_hash(secret)


def get_gate(code: str) -> Gate:
    gate = db.session.scalar(select(Gate).where(Gate.code == code))
    if gate is None:
        raise not_found("门禁", "gate")
    return gate


def get_gate_for(actor, code: str) -> Gate:
    """A gate the actor may see: a firm user's own only; another firm's gate is not found, just as a
    gate that does not exist (the answer tells neither that it exists nor whose it is)."""
    gate = db.session.scalar(select(Gate).where(Gate.code == code))
    own = own_firm_id(actor)
    if gate is None or (own is not None and gate.firm_id != own):
        raise not_found("门禁", "gate")
    return gate


def _next_code(firm: Firm | None) -> str:
    """G0007-03 for a firm's third gate; K0012 for the twelfth road checkpoint (卡口)."""
    owned = Gate.firm_id == firm.id if firm is not None else Gate.firm_id.is_(None)
    count = db.session.scalar(select(func.count(Gate.id)).where(owned))
    while True:
        count += 1
        code = f"G{firm.id:04d}-{count:02d}" if firm is not None else f"K{count:04d}"
        if not db.session.scalar(select(Gate.id).where(Gate.code == code)):
            return code


def create_gate(
    actor,
    firm: Firm | None,
    name: str,
    code: str | None = None,
    device_sn: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    operator: str | None = None,
) -> tuple[Gate, str]:
    """Add a gate to a firm, or with no firm a road checkpoint (卡口) of its operator (the bureau or the
    police); return it with its secret, which is stored only as hashes."""
    ensure_unique(Gate, Gate.code, code, "code", "门禁编码", "gate code")
    ensure_unique(Gate, Gate.device_sn, device_sn, "device_sn", "设备序列号", "device serial number")
    secret = new_secret()
    gate = Gate(
        firm=firm, name=name, code=code or _next_code(firm), device_sn=device_sn, latitude=latitude,
        longitude=longitude, kind="gate" if firm is not None else "checkpoint",
        operator=None if firm is not None else operator or "police",
    )  # fmt: skip
    _set_secret(gate, secret)
    return add_audited(actor, gate, "gate", _snapshot), secret


def update_gate(actor, gate: Gate, data: dict) -> Gate:
    device_sn = data.get("device_sn")
    ensure_unique(Gate, Gate.device_sn, device_sn, "device_sn", "设备序列号", "device serial number", gate.id)
    return change_audited(actor, gate, data, "gate", _snapshot)


def _snapshot(gate: Gate) -> dict:
    return {
        "firm_id": gate.firm_id,
        "kind": gate.kind,
        "operator": gate.operator,
        "name": gate.name,
        "code": gate.code,
        "active": gate.active,
        "device_sn": gate.device_sn,
        "latitude": gate.latitude,
        "longitude": gate.longitude,
    }


def rotate_secret(actor, gate: Gate) -> str:
    """Give the gate a new secret; the old one stops working at once."""
    secret = new_secret()
    _set_secret(gate, secret)
    record_change(actor, "rotate_secret", "gate", gate.id)
    return secret


def authenticate_gate(code: str, secret: str | None) -> Gate | None:
    """The active gate `code` if `secret` is its secret."""
    gate = db.session.scalar(select(Gate).where(Gate.code == code))
    if gate is None or not gate.active or not secret:
        return None
    return gate if hmac.compare_digest(gate.secret_hash, hash_secret(secret)) else None


def gates_query(args: dict):
    query = select(Gate).order_by(Gate.code)
    for key in ("firm_id", "active"):
        if key in args:
            query = query.where(getattr(Gate, key) == args[key])
    return query


HEARTBEAT_WRITE_INTERVAL = timedelta(seconds=60)


def note_heartbeats(gate_ids: list[int], at: datetime | None = None) -> None:
    """Their cameras said they are alive (a keep-alive): the gates' last-seen time, written at most once
    a minute per gate so that a camera's heartbeat every 10 s does not become a write every 10 s. One
    statement, no rows loaded (the gateway's batch)."""
    if not gate_ids:
        return
    at = at or utcnow()
    db.session.execute(
        update(Gate)
        .where(
            Gate.id.in_(gate_ids),
            or_(Gate.last_seen_at.is_(None), Gate.last_seen_at <= at - HEARTBEAT_WRITE_INTERVAL),
        )
        .values(last_seen_at=at)
        .execution_options(synchronize_session=False)
    )
