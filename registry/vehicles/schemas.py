"""Vehicle (车辆) JSON: field names are public API."""

import marshmallow as ma

from registry.common.schemas import Day, StrictSchema, Text, db_id, enum_field, length, optional_text
from registry.common.text import without_format_characters
from registry.common.time import today_local
from registry.identifiers.plates import PlateColour, is_valid_plate, normalise_plate
from registry.identifiers.vin import normalise_vin, vin_problems
from registry.vehicles.models import EmissionStage, FuelType, StageSource, VehicleClass

STAGE_D_FUELS = {FuelType.ELECTRIC, FuelType.HYBRID, FuelType.HYDROGEN}  # fuels a stage-D (new-energy) vehicle may use


def stage_fuel_problem(stage, fuel) -> str | None:
    """Why an emission stage and a fuel type cannot belong to one vehicle, or None."""
    if stage == EmissionStage.NEW_ENERGY and fuel and fuel not in STAGE_D_FUELS:
        return (
            "排放阶段 D（新能源）须配电动、混合动力或氢燃料 / Stage D (new energy) needs an"
            " electric, hybrid or hydrogen fuel type."
        )
    if fuel in (FuelType.ELECTRIC, FuelType.HYDROGEN) and stage not in (None, EmissionStage.NEW_ENERGY):
        return "纯电动或氢燃料车辆的排放阶段应为 D / An electric or hydrogen vehicle has stage D."
    return None


class PlateReadField(Text):
    """A plate as a camera or a person read it, kept as read but without invisible format characters
    (zero-width space, BOM...), which would only make it miss the registered vehicle."""

    def _deserialize(self, value, attr, data, **kwargs):
        return without_format_characters(super()._deserialize(value, attr, data, **kwargs))


class PlateField(PlateReadField):
    """A plate number, normalised (full-width, spaces, O->0, I->1) and checked against GA 36."""

    def _deserialize(self, value, attr, data, **kwargs):
        plate = normalise_plate(super()._deserialize(value, attr, data, **kwargs))
        if not is_valid_plate(plate):
            raise ma.ValidationError(f"不是有效的号牌号码：{plate} / Not a valid Chinese plate number: {plate}.")
        return plate


class VinField(Text):
    """A VIN, normalised and checked (GB 16735-2019: position 9 is a check digit)."""

    def _deserialize(self, value, attr, data, **kwargs):
        vin = normalise_vin(super()._deserialize(value, attr, data, **kwargs))
        problems = vin_problems(vin)
        if problems:
            zh, en = problems
            raise ma.ValidationError(f"车辆识别代号无效：{zh} / Invalid VIN {vin}: {en}.")
        return vin


class VehicleSchema(ma.Schema):
    id = ma.fields.Integer()
    plate = ma.fields.String()
    plate_color = ma.fields.Enum(PlateColour, by_value=True)
    vin = ma.fields.String(allow_none=True)
    engine_no = ma.fields.String(allow_none=True)
    emission_stage = ma.fields.Enum(EmissionStage, by_value=True, allow_none=True)
    stage_source = ma.fields.Enum(StageSource, by_value=True, allow_none=True)
    fuel_type = ma.fields.Enum(FuelType, by_value=True)
    registration_date = ma.fields.Date(allow_none=True)
    vehicle_class = ma.fields.Enum(VehicleClass, by_value=True)
    owner = ma.fields.String(allow_none=True)
    firm_id = ma.fields.Integer(allow_none=True)
    stage_verified_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class VehicleInputSchema(StrictSchema):
    plate = PlateField(required=True)
    plate_color = enum_field(PlateColour, required=True)
    vin = VinField(allow_none=True)
    engine_no = optional_text(32)
    emission_stage = enum_field(EmissionStage, allow_none=True)
    stage_source = enum_field(StageSource, allow_none=True)
    fuel_type = enum_field(FuelType, required=True)
    registration_date = Day(allow_none=True)
    vehicle_class = enum_field(VehicleClass, required=True)
    owner = optional_text(100)
    firm_id = db_id(allow_none=True, metadata={"description": "the firm that registered the truck (its own fleet)"})

    @ma.validates("registration_date")
    def _not_in_future(self, value, **_kwargs):
        if value and value > today_local():
            raise ma.ValidationError("注册日期不能晚于今天 / Registration date is in the future.")

    @ma.validates_schema
    def _stage_matches_fuel(self, data, partial=None, **_kwargs):
        problem = stage_fuel_problem(data.get("emission_stage"), data.get("fuel_type"))
        if problem:
            raise ma.ValidationError(problem, "emission_stage")

    @ma.post_load
    def _default_stage_source(self, data, partial=None, **_kwargs):
        if data.get("emission_stage") and not data.get("stage_source") and not partial:
            data["stage_source"] = StageSource.DECLARED
        return data


class VehicleQueryArgsSchema(ma.Schema):
    plate = PlateField()
    plate_prefix = Text(validate=length(8, 1))
    plate_color = ma.fields.Enum(PlateColour, by_value=True)
    emission_stage = ma.fields.Enum(EmissionStage, by_value=True)
    stage_unknown = ma.fields.Boolean(metadata={"description": "only vehicles with no stage"})
    fuel_type = ma.fields.Enum(FuelType, by_value=True)
    vehicle_class = ma.fields.Enum(VehicleClass, by_value=True)
    owner = Text()


class VehicleUpdateSchema(VehicleInputSchema):
    """PATCH body: any subset of the input fields (used with partial=True)."""
