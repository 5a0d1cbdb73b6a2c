"""A batch as a lower platform's relay posts it (docs/uplink.md), and what is shown of it here."""

import marshmallow as ma
from marshmallow import validate

from registry.common.schemas import StrictSchema, Text


class RecordInSchema(StrictSchema):
    key = Text(required=True, validate=validate.Length(1, 100))
    sequence = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    kind = Text(required=True, validate=validate.Length(1, 16))
    occurred_at = ma.fields.AwareDateTime(required=True, allow_none=True)
    data = ma.fields.Dict(required=True, allow_none=True)


class BatchInSchema(StrictSchema):
    source = Text(required=True, validate=validate.Length(1, 40))
    format = ma.fields.Integer(required=True, strict=True, validate=validate.Equal(1))
    sent_at = ma.fields.AwareDateTime(load_default=None)
    records = ma.fields.List(ma.fields.Nested(RecordInSchema), required=True, validate=validate.Length(min=1))


class BatchResultSchema(ma.Schema):
    accepted = ma.fields.Integer(metadata={"description": "records new to this platform"})
    duplicates = ma.fields.Integer(metadata={"description": "records it already held (a resent batch)"})
    last_sequence = ma.fields.Integer()


class SourceInSchema(StrictSchema):
    code = Text(required=True, validate=validate.Length(1, 40))
    name = Text(required=True, validate=validate.Length(1, 100))


class SourceSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    received = ma.fields.Integer()
    last_received_at = ma.fields.AwareDateTime(allow_none=True)
    last_sequence = ma.fields.Integer(allow_none=True)


class NewSourceSchema(SourceSchema):
    token = ma.fields.String(metadata={"description": "the source's token, shown only once"})


class ReportedRecordSchema(ma.Schema):
    id = ma.fields.Integer()
    source = ma.fields.Function(lambda r: r.source.code)
    key = ma.fields.String()
    sequence = ma.fields.Integer()
    kind = ma.fields.String()
    occurred_at = ma.fields.AwareDateTime(allow_none=True)
    plate = ma.fields.String(allow_none=True)
    firm_credit_code = ma.fields.String(allow_none=True)
    decision = ma.fields.String(allow_none=True)
    data = ma.fields.Dict(allow_none=True)
    received_at = ma.fields.AwareDateTime()


class RecordQueryArgsSchema(ma.Schema):
    source = Text(load_default=None)
    plate = Text(load_default=None)
