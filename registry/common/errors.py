"""Domain errors, and the one place that maps them and HTTP errors to responses.

Under /api/ every error is JSON `{code, status, message, errors}`; pages get HTML.
"""

from flask import current_app, render_template, request
from flask_smorest import abort
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from registry.common.i18n import t
from registry.extensions import api, db


class DomainError(Exception):
    """A rule of the domain refused the request; `message` is for the user, `field` names the input."""

    status = 422

    def __init__(self, message: str, field: str | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class TooMany(DomainError):
    """Too many attempts: `retry_after` seconds until the next is allowed."""

    status = 429


class Forbidden(DomainError):
    status = 403


def _field_names(errors) -> list[str]:
    names = []
    for location in (errors or {}).values():
        if isinstance(location, dict):
            names.extend(str(k) for k in location)
    return names


_STATUS_ZH = {
    400: "请求格式错误",
    401: "需要认证：请提供有效的令牌",
    403: "无权执行此操作",
    404: "未找到",
    405: "不允许的请求方法",
    409: "与现有数据冲突",
    413: "请求内容过大",
    415: "不支持的内容类型",
    422: "输入有误",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
    503: "服务暂不可用",
}


_PAGE_ZH = {403: "无权访问此页面", 404: "页面不存在"}


def _api_error(error: HTTPException):
    data = dict(getattr(error, "data", None) or {})
    if "message" not in data:
        messages = data.get("errors") or data.get("messages")
        if error.code == 422 and messages:
            fields = ", ".join(_field_names(messages)) or "?"
            data["message"] = t(f"输入有误，请检查字段：{fields}", f"Invalid input in field(s): {fields}")
        else:
            data["message"] = t(_STATUS_ZH.get(error.code, error.name), error.description or error.name)
    error.data = data
    payload, status, headers = api.handle_http_exception(error)
    return payload | data.get("extra", {}), status, headers  # extra: e.g. the id a duplicate collides with


def handle_http_error(error: HTTPException):
    if request.path.startswith("/api/"):
        return _api_error(error)
    zh = _PAGE_ZH.get(error.code) or _STATUS_ZH.get(error.code, "请求出错")
    message = t(zh, error.description or error.name)
    return render_template("error.html", error=error, message=message), error.code


def handle_domain_error(error: DomainError):
    errors = {"json": {error.field: [error.message]}} if error.field else None
    kwargs = {"message": error.message}
    if errors:
        kwargs["errors"] = errors
    try:
        abort(error.status, **kwargs, extra=error.extra)
    except HTTPException as http_error:
        return handle_http_error(http_error)


def handle_validation_error(error: ValidationError):
    """A service's check of several fields at once (each finding of a case): 422 with each field's words."""
    db.session.rollback()
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    first = next((m for ms in messages.values() for m in (ms if isinstance(ms, list) else [ms])), "")
    try:
        abort(422, message=str(first), errors={"json": messages})
    except HTTPException as http_error:
        return handle_http_error(http_error)


def handle_integrity_error(error: IntegrityError):
    """A constraint caught what a service check could not, e.g. two concurrent writes of one plate."""
    db.session.rollback()
    return handle_domain_error(
        Conflict(t("与现有数据冲突，请刷新后重试", "Conflicts with existing data; reload and try again"))
    )


def handle_data_error(error: DataError):
    """The database refused a value that no field check caught (out of range, not storable text):
    the input's fault, answered as such; the schemas' own checks give the precise field errors."""
    db.session.rollback()
    current_app.logger.warning("the database refused a value: %s", error.orig)
    return handle_domain_error(
        DomainError(t("输入有误：其中有数据库不能保存的值", "Invalid input: a value cannot be stored"))
    )


def handle_database_unavailable(error: OperationalError):
    db.session.rollback()
    current_app.logger.error("database unavailable: %s", error)
    return handle_http_error(ServiceUnavailable())


def handle_unexpected(error: Exception):
    return handle_http_error(InternalServerError(original_exception=error))


def register_errorhandlers(app):
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
