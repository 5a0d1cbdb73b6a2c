"""Gates authenticate with their own secret: `Authorization: Bearer <secret>`, HTTP Basic
(user = gate code, password = secret), which many cameras can send, or `?key=<secret>` for
cameras whose push settings hold only a URL (use HTTPS there: the key is in the URL)."""

from functools import wraps

from flask import g, request
from flask_smorest import abort

from registry.accounts.auth import bearer_token
from registry.common.i18n import t
from registry.gates.services import authenticate_gate


def gate_secret() -> str | None:
    """Basic (password), Bearer, or for cameras that can only call a URL, `?key=<secret>`."""
    if request.authorization and request.authorization.type == "basic":
        return request.authorization.password
    return bearer_token() or request.args.get("key")


def require_gate(view):
    """The view runs only for the active gate named by `code` in the URL; sets `g.gate`."""

    @wraps(view)
    def wrapper(*args, code, **kwargs):
        gate = authenticate_gate(code, gate_secret())
        if gate is None:
            abort(
                401,
                message=t("门禁编码或密钥无效，或门禁已停用", "Unknown or disabled gate, or wrong secret"),
                headers={"WWW-Authenticate": 'Bearer, Basic realm="gate"'},
            )
        g.gate = gate
        return view(*args, code=code, **kwargs)

    return wrapper
