"""Policy JSON, with the parameters of each rule checked by a schema of their own."""

import marshmallow as ma

from registry.common.schemas import Day, StrictSchema, Text, at_least, length, required_text
from registry.firms.models import Industry, PerformanceGrade
from registry.identifiers.plates import PlateColour
from registry.vehicles.models import EmissionStage, FuelType, VehicleClass

STAGE = ma.validate.OneOf([s.value for s in EmissionStage], error="排放阶段应为 0-6 或 D / A stage is 0-6 or D.")
LEVELS = ("yellow", "orange", "red")


def _values(enum_cls) -> list[str]:
    return [m.value for m in enum_cls]


class Params(StrictSchema):
    """Rules with no parameters."""


class ScopeParams(StrictSchema):
    vehicle_classes = ma.fields.List(Text(validate=ma.validate.OneOf(_values(VehicleClass))), required=True)
    plate_colors = ma.fields.List(Text(validate=ma.validate.OneOf(_values(PlateColour))), required=True)


class StageInferenceParams(StrictSchema):
    cutovers = ma.fields.Dict(
        keys=Text(validate=ma.validate.OneOf([*_values(FuelType), "default"])),
        values=ma.fields.List(ma.fields.Tuple((Day(), Text(validate=STAGE)))),
        required=True,
    )

    @ma.post_load
    def _as_text(self, data, **_kwargs):
        # Stored as JSON: dates as ISO text.
        data["cutovers"] = {
            fuel: [[since.isoformat(), stage] for since, stage in rows] for fuel, rows in data["cutovers"].items()
        }
        return data


class FreightStageParams(StrictSchema):
    threshold_tonnes = ma.fields.Integer(required=True, strict=True, validate=at_least(0))
    min_stage = Text(required=True, validate=STAGE)


class CleanTransportParams(StrictSchema):
    industries = ma.fields.List(Text(validate=ma.validate.OneOf(_values(Industry))), required=True)
    planning_area_only = ma.fields.Boolean(load_default=True)
    min_stage = Text(load_default="6", validate=STAGE)


class StaggeredParams(StrictSchema):
    matrix = ma.fields.Dict(
        keys=Text(validate=ma.validate.OneOf(_values(PerformanceGrade))),
        values=ma.fields.Dict(
            keys=Text(validate=ma.validate.OneOf(LEVELS)),
            values=Text(validate=ma.validate.OneOf([*_values(EmissionStage), "all"])),
        ),
        required=True,
    )


class PhaseOutParams(StrictSchema):
    max_stage = Text(required=True, validate=STAGE)
    fuel_types = ma.fields.List(Text(validate=ma.validate.OneOf(_values(FuelType))), required=True)


class PictureColourParams(StrictSchema):
    """号牌颜色复核: when the plate colour measured in the picture differs from the camera's. A question for a
    person; the picture replaces the camera's colour in the rules only where `overrules_camera` is set on
    purpose together with the precision measured for it (held out, on the bureau's own cameras)."""

    min_confidence = ma.fields.Float(load_default=0.6, validate=at_least(0, 1))
    severity = Text(load_default="review", validate=ma.validate.OneOf(["review", "info"]))
    overrules_camera = ma.fields.Boolean(load_default=False)
    measured_precision = ma.fields.Float(
        allow_none=True, validate=at_least(0, 1), metadata={"description": "share of disagreements the picture won"}
    )
    precision_basis = Text(allow_none=True, validate=length(300), metadata={"description": "how it was measured"})

    @ma.validates_schema
    def _overruling_names_its_precision(self, data, **_kwargs):
        if data.get("overrules_camera") and (data.get("measured_precision") is None or not data.get("precision_basis")):
            raise ma.ValidationError(
                "以图片颜色判定须写明所依据的实测准确率及其测量方法 / overruling the camera needs the measured"
                " precision it relies on (measured_precision) and how it was measured (precision_basis).",
                "overrules_camera",
            )


class PictureQualityParams(StrictSchema):
    min_sharpness = ma.fields.Float(validate=at_least(0))
    min_brightness = ma.fields.Float(validate=at_least(0, 255))
    max_overexposed = ma.fields.Float(validate=at_least(0, 1))
    min_plate_width = ma.fields.Integer(strict=True, validate=at_least(0))


class NoPlateParams(StrictSchema):
    severity = Text(
        load_default="review",
        validate=ma.validate.OneOf(
            ["deny", "review", "info"], error="应为 deny、review 或 info / deny, review or info."
        ),
    )


class ClonedPlateParams(StrictSchema):
    """套牌嫌疑: a finding for review or information only, never a deny on its own."""

    max_speed_kmh = ma.fields.Float(required=True, validate=at_least(1, 1000))
    min_distance_km = ma.fields.Float(load_default=2, validate=at_least(0, 1000))
    window_hours = ma.fields.Float(load_default=6, validate=at_least(0.1, 72))
    colour_contradictions = ma.fields.Integer(load_default=3, validate=at_least(2, 1000))
    colour_window_days = ma.fields.Integer(load_default=30, validate=at_least(1, 365))
    # The cameras' words for vehicles that are not goods vehicles (SaloonCar, SUVMPV, 轿车, ...), and the
    # registered classes such a read contradicts; without the words the sign is not looked for.
    not_truck_types = ma.fields.List(Text(validate=length(50)), load_default=list)
    truck_classes = ma.fields.List(
        Text(validate=ma.validate.OneOf(_values(VehicleClass))),
        load_default=lambda: ["heavy_truck", "medium_truck", "tractor"],
    )
    type_contradictions = ma.fields.Integer(load_default=3, validate=at_least(2, 1000))
    type_window_days = ma.fields.Integer(load_default=30, validate=at_least(1, 365))
    severity = Text(
        load_default="review",
        validate=ma.validate.OneOf(
            ["review", "info"], error="应为 review 或 info（套牌嫌疑不单独禁止通行） / review or info."
        ),
    )


class DocumentReviewParams(StrictSchema):
    """Who verifies a vehicle's stage against its documents: the bureau always; a firm for the trucks it
    registered only where the bureau says so."""

    firms_review_own = ma.fields.Boolean(load_default=False)


class PlateTextParams(StrictSchema):
    """号牌复核: when the plate text read back from the picture differs from the camera's read. Not a
    gate rule: the background analysis raises it for review (registry.events.pictures)."""

    min_confidence = ma.fields.Float(load_default=0.9, validate=at_least(0, 1))
    min_differences = ma.fields.Integer(load_default=1, strict=True, validate=at_least(1, 10))
    ignore_province = ma.fields.Boolean(load_default=True)
    severity = Text(load_default="review", validate=ma.validate.OneOf(["review", "info"]))


ALARM_KINDS = ["mil", "fault_codes", "urea_low", "urea_empty", "nox_high", "scr_low", "dpf", "tamper", "position"]


class ObdMonitoringParams(StrictSchema):
    """远程排放监控: the thresholds of a terminal's alarms (registry.obd.alarms) and what the gate makes of
    a truck's terminal (registry.rules.obd). None of the thresholds is confirmed by a standard here
    (DOMAIN.md 8): each is the bureau's to set. A finding at the gate is a review by default; a deny only
    where the bureau says so."""

    stages = ma.fields.List(Text(validate=STAGE), load_default=lambda: ["6"])
    silent_days = ma.fields.Integer(load_default=3, strict=True, validate=at_least(1, 365))
    require_terminal = ma.fields.Boolean(load_default=False)  # a truck with no terminal heard at all
    gate_alarms = ma.fields.List(
        Text(validate=ma.validate.OneOf(ALARM_KINDS)),
        load_default=lambda: ["mil", "urea_empty", "urea_low", "nox_high", "scr_low", "dpf", "tamper"],
    )
    severity = Text(load_default="review", validate=ma.validate.OneOf(["review", "info", "deny"]))
    urea_low_percent = ma.fields.Float(load_default=10.0, validate=at_least(0, 100))
    urea_empty_percent = ma.fields.Float(load_default=2.0, validate=at_least(0, 100))
    scr_warm_celsius = ma.fields.Float(load_default=250.0, validate=at_least(0, 800))
    nox_high_ppm = ma.fields.Float(load_default=500.0, validate=at_least(1, 3000))
    scr_efficiency_low = ma.fields.Float(load_default=0.5, validate=at_least(0, 1))
    dpf_pressure_high_kpa = ma.fields.Float(load_default=50.0, validate=at_least(1, 6000))
    position_invalid_hours = ma.fields.Integer(load_default=24, strict=True, validate=at_least(1, 24 * 365))


POLLUTANTS = ("opacity", "ringelmann", "no_ppm", "hc_ppm", "co_percent")


def _limit():
    return ma.fields.Float(allow_none=True, validate=at_least(0, 100000))


class RemoteSensingParams(StrictSchema):
    """遥感监测: when a result is valid, and each pollutant's limit by fuel (None: not checked). HJ 845-2017's
    values were not available here (DOMAIN.md 9): the bureau sets them."""

    require_station_valid = ma.fields.Boolean(load_default=True)
    min_speed_kmh = _limit()
    max_speed_kmh = _limit()
    min_acceleration = ma.fields.Float(allow_none=True, validate=at_least(-20, 20))
    max_acceleration = ma.fields.Float(allow_none=True, validate=at_least(-20, 20))
    max_wind_speed = _limit()
    min_temperature = ma.fields.Float(allow_none=True, validate=at_least(-60, 60))
    max_temperature = ma.fields.Float(allow_none=True, validate=at_least(-60, 60))
    max_humidity = ma.fields.Float(allow_none=True, validate=at_least(0, 100))
    limits = ma.fields.Dict(
        keys=Text(validate=ma.validate.OneOf(_values(FuelType))),
        values=ma.fields.Dict(keys=Text(validate=ma.validate.OneOf(POLLUTANTS)), values=_limit()),
        load_default=lambda: {"diesel": {"opacity": 30.0, "ringelmann": 1}},
    )


class HighEmitterParams(StrictSchema):
    """疑似高排放车辆: how many exceedances within how many months list a truck; a confirmed black-smoke
    capture too, where set. A review at the gate by default."""

    window_months = ma.fields.Integer(load_default=6, strict=True, validate=at_least(1, 60))
    exceedances = ma.fields.Integer(load_default=2, strict=True, validate=at_least(1, 100))
    same_pollutant = ma.fields.Boolean(load_default=True)
    black_smoke = ma.fields.Boolean(load_default=True)
    severity = Text(load_default="review", validate=ma.validate.OneOf(["review", "info", "deny"]))


class RestrictionZoneParams(StrictSchema):
    """限行区域 at a checkpoint: what a breach is (a police case: deny), and a truck of unknown stage."""

    severity = Text(load_default="deny", validate=ma.validate.OneOf(["deny", "review"]))
    unknown_stage = Text(load_default="review", validate=ma.validate.OneOf(["review", "ignore"]))
    unregistered_colours = ma.fields.List(
        Text(validate=ma.validate.OneOf(_values(PlateColour))), load_default=lambda: ["yellow"]
    )


PARAMS_BY_RULE = {
    "SCOPE": ScopeParams,
    "STAGE_INFERENCE": StageInferenceParams,
    "FREIGHT_STAGE": FreightStageParams,
    "CLEAN_TRANSPORT": CleanTransportParams,
    "STAGGERED_TRANSPORT": StaggeredParams,
    "PHASE_OUT": PhaseOutParams,
    "UNREGISTERED_VEHICLE": Params,
    "STAGE_UNKNOWN": Params,
    "NEV_MISMATCH": Params,
    "PICTURE_COLOUR": PictureColourParams,
    "DOCUMENT_REVIEW": DocumentReviewParams,
    "UNREADABLE_PLATE": Params,
    "PICTURE_QUALITY": PictureQualityParams,
    "NO_PLATE": NoPlateParams,
    "CLONED_PLATE": ClonedPlateParams,
    "PLATE_TEXT": PlateTextParams,
    "OBD_MONITORING": ObdMonitoringParams,
    "REMOTE_SENSING": RemoteSensingParams,
    "HIGH_EMITTER": HighEmitterParams,
    "RESTRICTION_ZONE": RestrictionZoneParams,
}
RULES = tuple(PARAMS_BY_RULE)


def load_params(rule: str, params: dict) -> dict:
    """The parameters checked against the rule's schema; ValidationError names the bad key."""
    return PARAMS_BY_RULE[rule]().load(params or {})


def check_params(rule: str, params: dict) -> None:
    """Raise a ValidationError under `params` when they do not fit the rule."""
    try:
        load_params(rule, params)
    except ma.ValidationError as exc:
        raise ma.ValidationError(exc.messages, "params") from None


class PolicySchema(ma.Schema):
    id = ma.fields.Integer()
    rule = ma.fields.String()
    params = ma.fields.Dict()
    effective_from = ma.fields.Date()
    effective_to = ma.fields.Date(allow_none=True)
    clause = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    version = ma.fields.Integer()
    replaces_id = ma.fields.Integer(allow_none=True)
    superseded_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class PolicyChangeSchema(StrictSchema):
    """The fields a revision may change (PATCH); the rule itself never changes."""

    params = ma.fields.Dict()
    effective_from = Day()
    effective_to = Day(allow_none=True)
    clause = Text(validate=length(300, 1))
    note = Text(allow_none=True, validate=length(2000), multiline=True)

    @ma.validates_schema
    def _dates_in_order(self, data, **_kwargs):
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            raise ma.ValidationError("结束日期早于开始日期 / effective_to is before effective_from.", "effective_to")


class PolicyInputSchema(PolicyChangeSchema):
    rule = Text(required=True, validate=ma.validate.OneOf(RULES, error="未知规则 / Unknown rule; one of: {choices}."))
    params = ma.fields.Dict(load_default=dict)
    effective_from = Day(required=True)
    clause = required_text(300)

    @ma.validates_schema
    def _params_fit_the_rule(self, data, **_kwargs):
        if data.get("rule") in PARAMS_BY_RULE:
            check_params(data["rule"], data.get("params"))

    @ma.post_load
    def _normalise_params(self, data, **_kwargs):
        data["params"] = load_params(data["rule"], data["params"])
        return data


class PolicyQueryArgsSchema(ma.Schema):
    rule = Text(validate=ma.validate.OneOf(RULES))
    on = Day(metadata={"description": "only policies in force on this local date"})
    include_superseded = ma.fields.Boolean(load_default=False)
