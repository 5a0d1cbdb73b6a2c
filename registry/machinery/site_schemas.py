"""JSON of construction units, sites, declarations, and the limit and zone tables."""

import marshmallow as ma

from registry.common.schemas import Day, StrictSchema, Text, at_least, db_id, length, optional_text, required_text
from registry.firms.schemas import CreditCodeField
from registry.machinery.models import MachineStage


class UnitSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    credit_code = ma.fields.String(allow_none=True)
    contact_name = ma.fields.String(allow_none=True)
    contact_phone = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class UnitInputSchema(StrictSchema):
    name = required_text(200)
    credit_code = CreditCodeField(allow_none=True)
    contact_name = optional_text(50)
    contact_phone = optional_text(30)


class SiteSchema(ma.Schema):
    id = ma.fields.Integer()
    unit_id = ma.fields.Integer()
    name = ma.fields.String()
    address = ma.fields.String(allow_none=True)
    low_emission_zone = ma.fields.Boolean()
    created_at = ma.fields.AwareDateTime()


class SiteInputSchema(StrictSchema):
    unit_id = db_id(strict=True, metadata={"description": "only the bureau names a unit"})
    name = required_text(200)
    address = optional_text(300)
    low_emission_zone = ma.fields.Boolean(load_default=False)


class DeclarationInputSchema(StrictSchema):
    registration_code = Text(required=True, validate=length(32, 1))
    valid_from = Day(required=True, data_key="from")
    valid_to = Day(required=True, data_key="to")


class DeclarationSchema(ma.Schema):
    id = ma.fields.Integer()
    site_id = ma.fields.Integer()
    registration_code = ma.fields.Function(lambda d: d.machinery.registration_code)
    machine_type = ma.fields.Function(lambda d: d.machinery.machine_type.value)
    emission_stage = ma.fields.Function(lambda d: d.machinery.emission_stage.value)
    valid_from = ma.fields.Date(data_key="from")
    valid_to = ma.fields.Date(data_key="to")
    created_at = ma.fields.AwareDateTime()


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
