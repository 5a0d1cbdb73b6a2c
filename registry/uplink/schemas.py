"""Uplink targets in and out (their token goes in, never out)."""

import marshmallow as ma
from marshmallow import validate

from registry.common.schemas import StrictSchema, Text
from registry.uplink.transports import TRANSPORTS


def _https(url: str) -> None:
    if not url.startswith(("https://", "http://")):
        raise ma.ValidationError("must be an https:// (or, inside a private network, http://) URL")


class TargetInputSchema(StrictSchema):
    name = Text(required=True, validate=validate.Length(1, 100))
    transport = Text(load_default="https_json", validate=validate.OneOf(sorted(TRANSPORTS)))
    url = Text(required=True, validate=[validate.Length(1, 500), _https])
    token = Text(required=True, validate=validate.Length(1, 500), load_only=True)
    ca_file = Text(load_default=None, allow_none=True, validate=validate.Length(1, 500))
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
    last_error = ma.fields.String(allow_none=True)
    last_error_at = ma.fields.AwareDateTime(allow_none=True)


class TargetStatusSchema(ma.Schema):
    target = ma.fields.Nested(TargetSchema)
    backlog = ma.fields.Integer(metadata={"description": "records waiting (counted up to COUNT_CAP)"})
    backlog_capped = ma.fields.Boolean()
    failing = ma.fields.Boolean()


class TargetChangeSchema(TargetInputSchema):
    """PATCH body: any subset of the input fields (used with partial=True)."""
