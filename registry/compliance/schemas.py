"""The verdict JSON: the same shape for what-if checks and for gate ingest."""

import marshmallow as ma

from registry.common.schemas import Moment, StrictSchema, db_id, enum_field, length
from registry.identifiers.plates import PlateColour
from registry.vehicles.schemas import PlateReadField


class FindingSchema(ma.Schema):
    rule = ma.fields.String()
    severity = ma.fields.String()
    message_zh = ma.fields.String()
    message_en = ma.fields.String()
    clause = ma.fields.String()
    policy_id = ma.fields.Integer(allow_none=True)
    note = ma.fields.String()
    alert_id = ma.fields.Integer(metadata={"description": "the alert a staggered-transport finding is about"})
    related_pass_id = ma.fields.Integer(
        metadata={"description": "the other pass a cloned-plate finding (CLONED_PLATE) compares this one with"}
    )
    detail = ma.fields.Dict(
        metadata={"description": "a colour question's figures: camera_colour, measured_colour, confidence, decided_by"}
    )


class VerdictSchema(ma.Schema):
    decision = ma.fields.String(metadata={"description": "pass, deny or review"})
    findings = ma.fields.List(ma.fields.Nested(FindingSchema))
    policy_ids = ma.fields.List(ma.fields.Integer())
    stage_inferred = ma.fields.Boolean()
    plate = ma.fields.String(metadata={"description": "the plate after normalisation"})
    emission_stage = ma.fields.String(allow_none=True, metadata={"description": "the stage the rules used"})
    alert_ids = ma.fields.List(ma.fields.Integer())
    questions = ma.fields.List(
        ma.fields.Nested(FindingSchema),
        metadata={"description": "questions for a person that do not decide (PICTURE_COLOUR): they go to the case"},
    )
    suggestions = ma.fields.List(ma.fields.String(), metadata={"description": "registered look-alike plates"})


class CheckInputSchema(StrictSchema):
    plate = PlateReadField(required=True, validate=length(32, 1), metadata={"description": "as read"})
    plate_color = enum_field(PlateColour, allow_none=True)
    firm_id = db_id(required=True)
    at = Moment(metadata={"description": "ISO 8601 with offset; defaults to now"})
