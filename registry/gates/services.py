"""Creating gates, rotating their secrets and authenticating them."""

import hmac

from sqlalchemy import func, select

from registry.accounts.services import hash_secret, new_secret
from registry.audit.services import record_change
from registry.common.errors import NotFound
from registry.common.i18n import t
from registry.common.services import add_audited, change_audited, ensure_unique
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate


def get_gate(code: str) -> Gate:
    gate = db.session.scalar(select(Gate).where(Gate.code == code))
    if gate is None:
        raise NotFound(t(f"门禁 {code} 不存在", f"gate {code} not found"))
    return gate


def _next_code(firm: Firm) -> str:
    count = db.session.scalar(select(func.count(Gate.id)).where(Gate.firm_id == firm.id))
    while True:
        count += 1
        code = f"G{firm.id:04d}-{count:02d}"
        if not db.session.scalar(select(Gate.id).where(Gate.code == code)):
            return code


def create_gate(actor, firm: Firm, name: str, code: str | None = None) -> tuple[Gate, str]:
    """Add a gate to a firm; return it with its secret, which is stored only as a hash."""
    ensure_unique(Gate, Gate.code, code, "code", "门禁编码", "gate code")
    secret = new_secret()
    gate = Gate(firm=firm, name=name, code=code or _next_code(firm), secret_hash=hash_secret(secret))
    return add_audited(actor, gate, "gate", _snapshot), secret


def update_gate(actor, gate: Gate, data: dict) -> Gate:
    return change_audited(actor, gate, data, "gate", _snapshot)


def _snapshot(gate: Gate) -> dict:
    return {"firm_id": gate.firm_id, "name": gate.name, "code": gate.code, "active": gate.active}


def rotate_secret(actor, gate: Gate) -> str:
    """Give the gate a new secret; the old one stops working at once."""
    secret = new_secret()
    gate.secret_hash = hash_secret(secret)
    record_change(actor, "rotate_secret", "gate", gate.id)
    return secret


def authenticate_gate(code: str, secret: str) -> Gate | None:
    """The active gate `code` if `secret` is its secret."""
    gate = db.session.scalar(select(Gate).where(Gate.code == code))
    if gate is None or not gate.active:
        return None
    return gate if hmac.compare_digest(gate.secret_hash, hash_secret(secret)) else None


def gates_query(args: dict):
    query = select(Gate).order_by(Gate.code)
    for key in ("firm_id", "active"):
        if key in args:
            query = query.where(getattr(Gate, key) == args[key])
    return query
