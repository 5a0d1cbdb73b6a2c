"""Remote-sensing results as a station pushes them (JSON) or a file's line carries them, and as the API
answers them. Words the station software writes (柴油, 有效, 黄) are read into the product's codes."""

import marshmallow as ma
from flask import g

from registry.common.schemas import Moment, StrictSchema, Text, at_least, length, one_or_many
from registry.extensions import db
from registry.identifiers.colours import vendor_colour
from registry.identifiers.plates import normalise_plate
from registry.sensing.mapping import pushed_item
from registry.sensing.models import SensingMapping

FUELS = {
    "柴油": "diesel", "diesel": "diesel", "汽油": "gasoline", "gasoline": "gasoline", "petrol": "gasoline",
    "燃气": "gas", "天然气": "gas", "lng": "gas", "cng": "gas", "gas": "gas", "电": "electric",
    "electric": "electric", "混合动力": "hybrid", "hybrid": "hybrid",
}  # fmt: skip
YES = {"1", "true", "yes", "y", "有效", "是", "valid", "合格"}
NO = {"0", "false", "no", "n", "无效", "否", "invalid"}
MESSAGES = {"invalid": "应为数字 / Not a valid number."}


def _number(low, high, **kwargs):
    return ma.fields.Float(validate=at_least(low, high), allow_none=True, error_messages=MESSAGES, **kwargs)


class Flag(ma.fields.Field):
    """有效/无效, 1/0, true/false."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
        raise ma.ValidationError("应为 有效/无效 / Must be valid or invalid (1/0).")


class FuelWord(Text):
    def _deserialize(self, value, attr, data, **kwargs):
        word = super()._deserialize(value, attr, data, **kwargs).lower()
        if word not in FUELS:
            raise ma.ValidationError("未知燃料类型 / Unknown fuel.")
        return FUELS[word]


class ColourWord(ma.fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        return vendor_colour(value)  # a colour no table knows is unknown; the result is kept


class SensingResultInputSchema(StrictSchema):
    """One result. `measured_at` with its offset, or local time when it has none (a file's)."""

    measured_at = Moment(required=True)
    station = Text(validate=length(32))  # a file's station column; a push names its station in the URL
    lane = Text(load_default="", validate=length(8))
    plate = Text(load_default="", validate=length(16))
    plate_color = ColourWord(load_default=None)
    vehicle_type = Text(load_default=None, validate=length(40))
    fuel = FuelWord(load_default=None)
    speed_kmh = _number(0, 300)
    acceleration = _number(-20, 20)
    wind_speed = _number(0, 100)
    temperature = _number(-60, 60)
    humidity = _number(0, 100)
    pressure = _number(30, 120)
    opacity = _number(0, 100)
    no_ppm = _number(0, 100000)
    co2_percent = _number(0, 100)
    hc_ppm = _number(0, 100000)
    co_percent = _number(0, 100)
    ringelmann = ma.fields.Integer(validate=at_least(0, 5), allow_none=True, error_messages=MESSAGES)
    pictures = ma.fields.List(Text(validate=length(500)), load_default=list)
    picture_near = Text(validate=length(500))
    picture_far = Text(validate=length(500))
    station_valid = Flag(load_default=None, allow_none=True)
    station_result = Text(load_default=None, validate=length(40))

    @ma.pre_load
    def _numbers(self, data, **_kwargs):
        """A file's cells are text: "1,234.5" and "" as a number and as nothing."""
        if not isinstance(data, dict):
            return data
        fields = self.fields
        out = {}
        for key, value in data.items():
            field = fields.get(key)
            if isinstance(value, str) and isinstance(field, ma.fields.Number):
                value = value.replace(",", "").strip()
                value = value or None
                if value is not None and isinstance(field, ma.fields.Integer) and value.endswith("级"):
                    value = value.removesuffix("级")
            out[key] = value
        return out

    @ma.post_load
    def _tidy(self, data, **_kwargs):
        data["plate"] = normalise_plate(data.get("plate") or "")
        pictures = list(data.get("pictures") or [])
        pictures += [data.pop(key) for key in ("picture_near", "picture_far") if data.get(key)]
        data["pictures"] = pictures
        return data


class SensingPushSchema(StrictSchema):
    """A push: one result, or `results`, a list of them (a station sending what it kept while offline).
    Each object's keys are read by the pushing station's vendor mapping first (`g.station`, set by its
    authentication): a vendor's own names and the common Chinese headers are taken as the fields."""

    results = ma.fields.List(ma.fields.Nested(SensingResultInputSchema), required=True, validate=length(500, 1))
    _one_or_many = one_or_many("results")

    @ma.pre_load
    def _vendor_names(self, data, **_kwargs):
        """Whether or not the object is wrapped in `results` yet (hooks run in no promised order)."""
        if not isinstance(data, dict):
            return data
        mapping = station_mapping()
        columns, time_format = (mapping.columns, mapping.time_format) if mapping is not None else (None, None)
        if "results" not in data:
            return pushed_item(data, columns, time_format)
        if isinstance(data["results"], list):
            return data | {"results": [pushed_item(item, columns, time_format) for item in data["results"]]}
        return data


class SensingResultSchema(ma.Schema):
    id = ma.fields.Integer()
    station = ma.fields.Function(lambda r: r.station.code)
    lane = ma.fields.String()
    measured_at = ma.fields.AwareDateTime()
    plate = ma.fields.String()
    plate_color = ma.fields.String(allow_none=True)
    fuel = ma.fields.String(allow_none=True)
    opacity = ma.fields.Float(allow_none=True)
    no_ppm = ma.fields.Float(allow_none=True)
    ringelmann = ma.fields.Integer(allow_none=True)
    valid = ma.fields.Boolean()
    reasons = ma.fields.List(ma.fields.String())
    exceeded = ma.fields.List(ma.fields.String())
    policy_id = ma.fields.Integer(allow_none=True)
    source = ma.fields.String()
    created = ma.fields.Boolean(dump_default=False)


class SensingQueryArgsSchema(ma.Schema):
    plate = Text(validate=length(16))
    station = Text(validate=length(32))
    over = ma.fields.Boolean()


def station_mapping() -> SensingMapping | None:
    """The vendor mapping of the station whose push is being read (none outside a push)."""
    station = g.get("station")
    if station is None or station.mapping_id is None:
        return None
    return db.session.get(SensingMapping, station.mapping_id)
