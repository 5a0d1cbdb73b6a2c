"""Inspections in and out."""

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from registry.common.schemas import Day, StrictSchema, Text, enum_field
from registry.inspections.models import InspectionResult
from registry.inspections.sampling import STAGE_CODES


class FirmInspectionInputSchema(StrictSchema):
    period_start = Day(required=True, metadata={"description": "local date, inclusive"})
    period_end = Day(required=True, metadata={"description": "local date, inclusive"})
    sample_size = ma.fields.Integer(load_default=None, validate=validate.Range(1, 200))


class InspectionItemInputSchema(StrictSchema):
    record_complete = ma.fields.Boolean(required=True)
    stage_correct = ma.fields.Boolean(load_default=None, allow_none=True, metadata={"description": "null: not checked"})
    stage_seen = Text(load_default=None, allow_none=True, validate=validate.OneOf(sorted(STAGE_CODES)))
    note = Text(load_default=None, allow_none=True, multiline=True, validate=validate.Length(max=2000))


class InspectionCloseSchema(StrictSchema):
    result = enum_field(InspectionResult, required=True)
    conclusion = Text(load_default=None, allow_none=True, multiline=True, validate=validate.Length(max=4000))


class InspectionItemSchema(ma.Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    pass_id = ma.fields.Integer(attribute="plate_event_id")
    pass_at = ma.fields.AwareDateTime()
    row = ma.fields.Dict(metadata={"description": "the pass and its ledger row (docs/uplink.md) when drawn"})
    gaps = ma.fields.List(ma.fields.String(), metadata={"description": "ledger fields missing or malformed"})
    record_complete = ma.fields.Boolean(allow_none=True)
    stage_correct = ma.fields.Boolean(allow_none=True)
    stage_seen = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    checked_at = ma.fields.AwareDateTime(allow_none=True)
    findings = ma.fields.List(ma.fields.String())
    case_id = ma.fields.Integer(allow_none=True)
    photo_ids = ma.fields.Function(lambda item: [photo.id for photo in item.photos])


class FirmInspectionSchema(ma.Schema):
    id = ma.fields.Integer()
    firm_id = ma.fields.Integer()
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    sample_size = ma.fields.Integer()
    seed = ma.fields.Integer()
    population = ma.fields.Integer(metadata={"description": "ledger rows the sample was drawn from"})
    drawn_at = ma.fields.AwareDateTime()
    status = ma.fields.Function(lambda i: i.status.value)
    result = ma.fields.Function(lambda i: i.result.value if i.result else None)
    conclusion = ma.fields.String(allow_none=True)
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    items = ma.fields.List(ma.fields.Nested(InspectionItemSchema))


class FirmInspectionSummarySchema(FirmInspectionSchema):
    class Meta:
        exclude = ("items",)


class InspectionPhotoUploadSchema(ma.Schema):
    """One multipart/form-data body: the photo of a document seen."""

    file = Upload(required=True, metadata={"description": "JPEG or PNG"})
