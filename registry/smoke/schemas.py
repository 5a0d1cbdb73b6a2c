"""Black-smoke captures as a camera pushes them, and as the API answers them."""

import marshmallow as ma

from registry.common.schemas import Moment, StrictSchema, Text, at_least, length, one_or_many
from registry.identifiers.plates import normalise_plate
from registry.sensing.schemas import ColourWord


class SmokeCaptureInputSchema(StrictSchema):
    captured_at = Moment(required=True)
    lane = Text(load_default="", validate=length(8))
    plate = Text(load_default="", validate=length(16))
    plate_color = ColourWord(load_default=None)
    vehicle_type = Text(load_default=None, validate=length(40))
    grade = ma.fields.Integer(required=True, validate=at_least(0, 5))  # 林格曼黑度
    threshold = ma.fields.Integer(load_default=1, validate=at_least(0, 5))  # the station's capture threshold
    # {"plate": ..., "smoke": ..., "vehicle": ...}: links, or pictures in base64
    pictures = ma.fields.Dict(
        keys=Text(validate=length(20)), values=Text(validate=length(8_000_000)), load_default=dict
    )
    video_url = Text(load_default=None, validate=[length(500), ma.validate.URL(schemes={"http", "https", "rtsp"})])

    @ma.post_load
    def _plate(self, data, **_kwargs):
        data["plate"] = normalise_plate(data.get("plate") or "")
        return data


class SmokePushSchema(StrictSchema):
    captures = ma.fields.List(ma.fields.Nested(SmokeCaptureInputSchema), required=True, validate=length(100, 1))
    _one_or_many = one_or_many("captures")


class SmokeCaptureSchema(ma.Schema):
    id = ma.fields.Integer()
    station = ma.fields.Function(lambda c: c.station.code)
    lane = ma.fields.String()
    captured_at = ma.fields.AwareDateTime()
    plate = ma.fields.String()
    plate_color = ma.fields.String(allow_none=True)
    grade = ma.fields.Integer()
    threshold = ma.fields.Integer()
    status = ma.fields.String()
    video_url = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    reviewed_at = ma.fields.AwareDateTime(allow_none=True)
    created = ma.fields.Boolean(dump_default=False)


class SmokeReviewSchema(StrictSchema):
    decision = Text(required=True, validate=ma.validate.OneOf(["confirmed", "dismissed"]))
    note = Text(load_default="", validate=length(1000))


class SmokeQueryArgsSchema(ma.Schema):
    status = Text(validate=ma.validate.OneOf(["pending", "confirmed", "dismissed", "all"]))
    plate = Text(validate=length(16))
