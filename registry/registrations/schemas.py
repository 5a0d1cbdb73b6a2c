"""Self-registration input: a vehicle's fields, each one the driver reads off the documents required."""

import marshmallow as ma

from registry.common.schemas import Day, Text, enum_field, required_text
from registry.vehicles.models import EmissionStage
from registry.vehicles.schemas import VehicleInputSchema, VinField

PHONE = ma.validate.Regexp(r"^[0-9+\- ]{5,30}$", error="电话号码格式有误 / not a phone number")


class RegistrationInputSchema(VehicleInputSchema):
    """What a driver declares (the registered vehicle's fields, all required but the owner)."""

    vin = VinField(required=True)
    engine_no = required_text(32)
    registration_date = Day(required=True)
    emission_stage = enum_field(EmissionStage, required=True)
    contact_phone = Text(allow_none=True, validate=PHONE)


def registration_schema(**kwargs) -> RegistrationInputSchema:
    """Without the fields a driver does not give (the stage's source, the firm)."""
    return RegistrationInputSchema(exclude=("stage_source", "firm_id"), **kwargs)
