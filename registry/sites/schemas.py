"""JSON of construction units, sites and declarations."""

import marshmallow as ma

from registry.common.schemas import Day, StrictSchema, Text, db_id, length, optional_text, required_text
from registry.firms.schemas import CreditCodeField


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
