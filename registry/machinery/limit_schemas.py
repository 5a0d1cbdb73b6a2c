"""JSON of the tables an inspection is judged by: GB 36886 smoke limits and what a kind of site allows."""

import marshmallow as ma

from registry.common.schemas import StrictSchema, Text, at_least, required_text
from registry.machinery.models import MachineStage


class SmokeLimitSchema(ma.Schema):
    id = ma.fields.Integer()
    limit_class = ma.fields.String()
    power_from_kw = ma.fields.Float()
    power_to_kw = ma.fields.Float(allow_none=True)
    k_limit = ma.fields.Float()
    ringelmann_max = ma.fields.Integer(allow_none=True)
    updated_at = ma.fields.AwareDateTime()


class SmokeLimitInputSchema(StrictSchema):
    limit_class = Text(required=True, validate=ma.validate.OneOf(["I", "II", "III"]))
    power_from_kw = ma.fields.Decimal(required=True, places=1, validate=at_least(0, 100000), as_string=False)
    power_to_kw = ma.fields.Decimal(allow_none=True, places=1, validate=at_least(0, 100000), as_string=False)
    k_limit = ma.fields.Decimal(required=True, places=2, validate=at_least(0, 99), as_string=False)
    ringelmann_max = ma.fields.Integer(allow_none=True, strict=True, validate=at_least(0, 5))


class SmokeLimitUpdateSchema(SmokeLimitInputSchema):
    """PATCH body: any subset of the input fields (used with partial=True)."""


STAGES = [stage.value for stage in MachineStage]


class ZoneRuleSchema(ma.Schema):
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    barred_stages = ma.fields.List(ma.fields.String())
    bar_failed_inspection = ma.fields.Boolean()
    smoke_classes = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    updated_at = ma.fields.AwareDateTime()


class ZoneRuleInputSchema(StrictSchema):
    name_zh = required_text(100)
    name_en = required_text(100)
    barred_stages = ma.fields.List(Text(validate=ma.validate.OneOf(STAGES)))
    bar_failed_inspection = ma.fields.Boolean()
    smoke_classes = ma.fields.Dict(
        keys=Text(validate=ma.validate.OneOf(STAGES)),
        values=Text(validate=ma.validate.OneOf(["I", "II", "III"])),
    )
