"""Non-road machinery (非道路移动机械) JSON: field names are public API."""

import re

import marshmallow as ma
from flask_smorest.fields import Upload

from registry.common.schemas import (
    Day,
    Moment,
    StrictSchema,
    Text,
    at_least,
    db_id,
    enum_field,
    length,
    optional_text,
    required_text,
)
from registry.common.time import today_local
from registry.machinery.deadlines import is_overdue
from registry.machinery.models import (
    HistoryAction,
    InspectionResult,
    MachineFuel,
    MachineryStatus,
    MachineStage,
    MachineType,
    PhotoKind,
)

PIN_PATTERN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")  # 机械环保代码: 17 characters, as a VIN (no I, O, Q)


class PinField(Text):
    """The machine environmental code, upper-cased; 17 characters when present."""

    def _deserialize(self, value, attr, data, **kwargs):
        pin = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if not pin:
            return None
        if not PIN_PATTERN.fullmatch(pin):
            raise ma.ValidationError(
                "机械环保代码应为 17 位数字或大写字母（不含 I、O、Q）"
                " / A machine environmental code is 17 digits or capitals (no I, O or Q)."
            )
        return pin


def not_in_future(value):
    if value > today_local():
        raise ma.ValidationError("日期不能晚于今天 / The date cannot be in the future.")


class UnitRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class PhotoSchema(ma.Schema):
    kind = ma.fields.Enum(PhotoKind, by_value=True)
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    uploaded_at = ma.fields.AwareDateTime()
    url = ma.fields.Method("photo_url")
    thumbnail_url = ma.fields.Method("thumbnail")

    def photo_url(self, photo) -> str:
        return f"/api/v1/machinery/{photo.machinery_id}/photos/{photo.kind.value}"

    def thumbnail(self, photo) -> str:
        return self.photo_url(photo) + "?thumbnail=true"


class MachinerySchema(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.Enum(MachineryStatus, by_value=True)
    registration_code = ma.fields.String(allow_none=True)
    unit = ma.fields.Nested(UnitRefSchema, allow_none=True)
    unit_id = ma.fields.Integer(allow_none=True)
    firm_id = ma.fields.Integer(allow_none=True, metadata={"description": "the owner firm of in-plant machinery"})
    owner_name = ma.fields.String()
    machine_type = ma.fields.Enum(MachineType, by_value=True)
    model = ma.fields.String()
    manufacturer = ma.fields.String()
    pin = ma.fields.String(allow_none=True)
    engine_model = ma.fields.String(allow_none=True)
    engine_no = ma.fields.String(allow_none=True)
    rated_power_kw = ma.fields.Float()
    fuel_type = ma.fields.Enum(MachineFuel, by_value=True)
    emission_stage = ma.fields.Enum(MachineStage, by_value=True)
    production_date = ma.fields.Date(allow_none=True)
    acquisition_date = ma.fields.Date(allow_none=True)
    aftertreatment = ma.fields.String(allow_none=True)
    reject_reason = ma.fields.String(allow_none=True)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))
    missing_photos = ma.fields.Method("missing")
    registration_overdue = ma.fields.Function(is_overdue)
    approved_at = ma.fields.AwareDateTime(allow_none=True)
    retired_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()

    def missing(self, machinery) -> list[str]:
        have = {photo.kind for photo in machinery.photos}
        return [kind.value for kind in PhotoKind if kind not in have]


class MachineryInputSchema(StrictSchema):
    unit_id = db_id(
        strict=True,
        metadata={"description": "owner unit; only the bureau names one, a construction unit registers for itself"},
    )
    firm_id = db_id(
        strict=True,
        metadata={"description": "owner firm (in-plant machinery, ledger table 5); the bureau names one, a firm "
                  "registers for itself"},
    )  # fmt: skip
    machine_type = enum_field(MachineType, required=True)
    model = required_text(100)
    manufacturer = required_text(200)
    pin = PinField(allow_none=True)
    engine_model = optional_text(100)
    engine_no = optional_text(32)
    rated_power_kw = ma.fields.Decimal(required=True, places=1, validate=at_least(0.1, 10000), as_string=False)
    fuel_type = enum_field(MachineFuel, required=True)
    emission_stage = enum_field(MachineStage, required=True)
    production_date = Day(required=True, validate=not_in_future)
    acquisition_date = Day(allow_none=True, validate=not_in_future)
    aftertreatment = optional_text(200)

    @ma.pre_load
    def _blank_is_none(self, data, **_kwargs):
        """A form sends empty strings for optional fields left blank."""
        if isinstance(data, dict):
            return {k: (None if v == "" else v) for k, v in data.items()}
        return data

    @ma.validates_schema
    def _consistent(self, data, partial=False, **_kwargs):
        fuel, stage = data.get("fuel_type"), data.get("emission_stage")
        if (fuel == MachineFuel.ELECTRIC) != (stage == MachineStage.ELECTRIC) and fuel and stage:
            raise ma.ValidationError(
                "电动机械的排放阶段为 D，其他燃料不能填 D / Electric machinery has stage D, and only it.",
                "emission_stage",
            )
        if fuel and fuel != MachineFuel.ELECTRIC and not data.get("engine_no") and not partial:
            raise ma.ValidationError("非电动机械须填写发动机编号 / An engine number is required.", "engine_no")
        made, bought = data.get("production_date"), data.get("acquisition_date")
        if made and bought and bought < made:
            raise ma.ValidationError(
                "购置日期不能早于生产日期 / The acquisition date cannot precede the production date.",
                "acquisition_date",
            )


class MachineryUpdateSchema(MachineryInputSchema):
    """PATCH body: any subset of the input fields (used with partial=True)."""


class MachineryQueryArgsSchema(ma.Schema):
    status = ma.fields.Enum(MachineryStatus, by_value=True)
    machine_type = ma.fields.Enum(MachineType, by_value=True)
    emission_stage = ma.fields.Enum(MachineStage, by_value=True)
    unit_id = db_id()
    firm_id = db_id()
    overdue = ma.fields.Boolean(metadata={"description": "acquired too long ago and still without a code"})
    missing_photos = ma.fields.Boolean(metadata={"description": "at least one of the three photos missing"})
    q = Text(metadata={"description": "part of model, manufacturer, PIN, engine no. or code"})


class PhotoUploadSchema(ma.Schema):
    """One multipart/form-data body: which photo it is, and the picture."""

    kind = enum_field(PhotoKind, required=True)
    file = Upload(required=True, metadata={"description": "JPEG or PNG"})


class NoBodySchema(StrictSchema):
    """An action that takes no input."""


class RejectSchema(StrictSchema):
    reason = required_text(500, multiline=True)


class TransferSchema(StrictSchema):
    unit_id = db_id(required=True, strict=True)
    note = optional_text(500, multiline=True)


class RetireSchema(StrictSchema):
    reason = required_text(500, multiline=True)


class HistorySchema(ma.Schema):
    action = ma.fields.Enum(HistoryAction, by_value=True)
    from_unit = ma.fields.Nested(UnitRefSchema, allow_none=True)
    to_unit = ma.fields.Nested(UnitRefSchema, allow_none=True)
    note = ma.fields.String(allow_none=True)
    at = ma.fields.AwareDateTime()


class VerificationSchema(ma.Schema):
    """What anyone may see of a registration: no personal contact data."""

    valid = ma.fields.Boolean()
    registration_code = ma.fields.String()
    status = ma.fields.String(allow_none=True)
    machine_type = ma.fields.String(allow_none=True)
    emission_stage = ma.fields.String(allow_none=True)
    model = ma.fields.String(allow_none=True)
    manufacturer = ma.fields.String(allow_none=True)
    engine_no = ma.fields.String(allow_none=True, metadata={"description": "to compare with the engine nameplate"})
    rated_power_kw = ma.fields.Float(allow_none=True)
    issued_on = ma.fields.String(allow_none=True, metadata={"description": "local date the code was issued"})
    owner_unit = ma.fields.String(allow_none=True)
    site_today = ma.fields.String(allow_none=True, metadata={"description": "the site it is declared for today"})
    nameplate_photo = ma.fields.Boolean(metadata={"description": "GET /verify/{code}/nameplate.jpg shows it"})
    latest_inspection = ma.fields.Dict(allow_none=True)
    message = ma.fields.String()


class InspectionInputSchema(StrictSchema):
    k = ma.fields.Decimal(required=True, places=2, validate=at_least(0, 99), as_string=False)
    ringelmann = ma.fields.Integer(allow_none=True, strict=True, validate=at_least(0, 5))
    place = optional_text(200)
    inspected_at = Moment(required=True)
    site_id = db_id(allow_none=True, strict=True, metadata={"description": "the site: its zone sets the class"})
    low_emission_zone = ma.fields.Boolean(
        load_default=None, metadata={"description": "without a site: whether the place is in a low-emission zone"}
    )


class InspectionSchema(ma.Schema):
    id = ma.fields.Integer()
    registration_code = ma.fields.Function(lambda i: i.machinery.registration_code)
    k = ma.fields.Float()
    ringelmann = ma.fields.Integer(allow_none=True)
    place = ma.fields.String(allow_none=True)
    inspected_at = ma.fields.AwareDateTime()
    result = ma.fields.Enum(InspectionResult, by_value=True)
    limit = ma.fields.Float(attribute="limit_k")
    limit_class = ma.fields.String()
    limit_ringelmann = ma.fields.Integer(allow_none=True)
    zone = ma.fields.String(allow_none=True)
    site_id = ma.fields.Integer(allow_none=True)


class CodeQuerySchema(ma.Schema):
    registration_code = Text(required=True, validate=length(32, 1))
