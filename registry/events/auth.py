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


def device_required(authenticate, name: str, refused: tuple[str, str]):
    """A decorator: the view runs only for the device (a gate, a roadside station) that `authenticate`
    finds by the `code` in the URL and its own secret; it is set as `g.<name>`. Else 401 saying `refused`."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, code, **kwargs):
            device = authenticate(code, gate_secret())
            if device is None:
                abort(401, message=t(*refused), headers={"WWW-Authenticate": f'Bearer, Basic realm="{name}"'})
            setattr(g, name, device)
            return view(*args, code=code, **kwargs)

        return wrapper

    return decorate


# The view runs only for the active gate named by `code` in the URL; sets `g.gate`.
require_gate = device_required(
    authenticate_gate, "gate", ("门禁编码或密钥无效，或门禁已停用", "Unknown or disabled gate, or wrong secret")
)
