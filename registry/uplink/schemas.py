"""Uplink targets in and out (their token goes in, never out)."""

import marshmallow as ma
from marshmallow import validate

from registry.common.schemas import StrictSchema, Text
from registry.uplink.transports import TRANSPORTS


def _https(url: str) -> None:
    if not url.startswith(("https://", "http://")):
        raise ma.ValidationError("应为 https:// 地址（内网可用 http://）/ must be an https:// (or http://) URL")


def _certificate_name(name: str) -> None:
    if "/" in name or "\\" in name or name.startswith("."):
        raise ma.ValidationError("应为 UPLINK_CA_DIR 中的证书文件名 / a certificate's file name in UPLINK_CA_DIR")


def _admin() -> bool:
    from registry.accounts.auth import current_actor
    from registry.accounts.models import Role

    actor = current_actor()
    return actor is not None and actor.role == Role.ADMIN


class TargetInputSchema(StrictSchema):
    name = Text(required=True, validate=validate.Length(1, 100))
    transport = Text(load_default="https_json", validate=validate.OneOf(sorted(TRANSPORTS)))
    url = Text(required=True, validate=[validate.Length(1, 500), _https])
    token = Text(required=True, validate=validate.Length(1, 500), load_only=True)
    ca_file = Text(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(1, 200), _certificate_name],
        metadata={"description": "a CA certificate's file name in UPLINK_CA_DIR"},
    )
    batch_size = ma.fields.Integer(load_default=200, validate=validate.Range(1, 5000))
    enabled = ma.fields.Boolean(load_default=True)


class TargetSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    transport = ma.fields.String()
    url = ma.fields.String()
    ca_file = ma.fields.String(allow_none=True)
    batch_size = ma.fields.Integer()
    enabled = ma.fields.Boolean()
    cursor = ma.fields.Function(lambda t: [t.cursor_tx, t.cursor_id], metadata={"description": "[tx, id] last taken"})
    delivered = ma.fields.Integer()
    last_success_at = ma.fields.AwareDateTime(allow_none=True)
    failures = ma.fields.Integer()
    next_attempt_at = ma.fields.AwareDateTime(allow_none=True)
    last_error = ma.fields.String(allow_none=True, metadata={"description": "what went wrong, 中文 / English"})
    last_error_detail = ma.fields.Function(
        lambda t: t.last_error_detail if _admin() else None,
        metadata={"description": "the raw text of the last error (administrators only)"},
    )
    last_error_at = ma.fields.AwareDateTime(allow_none=True)


class TargetStatusSchema(ma.Schema):
    target = ma.fields.Nested(TargetSchema)
    backlog = ma.fields.Integer(metadata={"description": "records waiting (counted up to COUNT_CAP)"})
    backlog_capped = ma.fields.Boolean()
    failing = ma.fields.Boolean()


class TargetChangeSchema(TargetInputSchema):
    """PATCH body: any subset of the input fields (used with partial=True)."""
