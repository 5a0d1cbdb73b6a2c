"""In-plant vehicle JSON: field names are public API."""

import marshmallow as ma

from registry.common.schemas import Day, StrictSchema, enum_field, optional_text, required_text
from registry.labels import labelled
from registry.vehicles.models import EmissionStage, FuelType
from registry.vehicles.schemas import VinField


class PlantVehicleInputSchema(StrictSchema):
    code = required_text(32, metadata={"description": "环保登记编码 or the plant's internal plate (内部号牌)"})
    registration_date = Day(allow_none=True)
    vin = VinField(allow_none=True)
    engine_no = optional_text(32)
    emission_stage = enum_field(EmissionStage, required=True)
    fuel_type = enum_field(FuelType, required=True)


class PlantVehicleUpdateSchema(PlantVehicleInputSchema):
    """PATCH: any of the fields; `retired: true` when the vehicle is no longer used (it stays listed)."""

    retired = ma.fields.Boolean()


class PlantVehicleSchema(ma.Schema):
    id = ma.fields.Integer()
    firm_id = ma.fields.Integer()
    code = ma.fields.String()
    registration_date = ma.fields.Date(allow_none=True)
    vin = ma.fields.String(allow_none=True)
    engine_no = ma.fields.String(allow_none=True)
    emission_stage = ma.fields.Enum(EmissionStage, by_value=True)
    emission_stage_label = labelled("stage", lambda v: v.emission_stage)
    fuel_type = ma.fields.Enum(FuelType, by_value=True)
    retired_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()
