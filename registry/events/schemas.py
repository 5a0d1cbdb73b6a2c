"""The native gate-event JSON (MQTT and HTTP alike), and the pass and verdict JSON answered."""

import base64
import binascii

import marshmallow as ma
from flask import current_app, has_app_context

from registry.common.schemas import Day, Moment, Text, at_least, db_id, length
from registry.compliance.schemas import FindingSchema
from registry.events.models import Decision
from registry.identifiers.colours import UnknownColour, plate_colour
from registry.identifiers.plates import is_no_plate
from registry.labels import label
from registry.vehicles.schemas import PlateReadField

IMAGE_KINDS = ("plate", "vehicle")


class VendorColourField(ma.fields.Field):
    """A plate colour in the internal words or any vendor's code; null when the camera does not know."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            colour = plate_colour(value)
        except UnknownColour as exc:
            raise ma.ValidationError(f"未知号牌颜色 / {exc}.") from None
        return colour.value if colour else None


class ImagesField(ma.fields.Field):
    """{"plate": base64 JPEG, "vehicle": base64 JPEG}, decoded to bytes; caps come from the context."""

    def _deserialize(self, value, attr, data, **kwargs):
        self.max_images = current_app.config["MAX_EVENT_IMAGES"] if has_app_context() else 4
        if not isinstance(value, dict):
            raise ma.ValidationError("应为对象 / Must be an object of base64 images.")
        if len(value) > self.max_images:
            raise ma.ValidationError(f"图片过多，最多 {self.max_images} 张 / At most {self.max_images} images.")
        images = {}
        for kind, text in value.items():
            if kind not in IMAGE_KINDS:
                raise ma.ValidationError(f"未知图片类型 {kind} / Unknown image kind {kind}; one of {IMAGE_KINDS}.")
            if not isinstance(text, str):
                raise ma.ValidationError(f"{kind}: 应为 base64 字符串 / must be a base64 string.")
            try:
                raw = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                raise ma.ValidationError(f"{kind}: 不是有效的 base64 / not valid base64.") from None
            images[kind] = raw  # too large or not a picture: stored as an invalid picture, the pass is kept
        return images


class PictureRefsField(ma.fields.Field):
    """{"plate": URL or path, "vehicle": URL or path}: pictures a camera sent by reference."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ma.ValidationError("应为对象 / Must be an object of picture references.")
        refs = {}
        for kind, text in value.items():
            if kind not in IMAGE_KINDS:
                raise ma.ValidationError(f"未知图片类型 {kind} / Unknown image kind {kind}; one of {IMAGE_KINDS}.")
            refs[kind] = Text(validate=length(MAX_REFERENCE, 1)).deserialize(text)
        return refs


TIME_SOURCES = ("camera", "envelope", "receiver")
MAX_EVENT_ID = 1024  # Hikvision UUIDs run to 63 characters and more; stored whole up to 128, else by digest
MAX_REFERENCE = 1000


class GateEventSchema(ma.Schema):
    """One plate read from a gate. Unknown extra fields are ignored (cameras add their own)."""

    class Meta:
        unknown = ma.EXCLUDE

    event_id = Text(required=True, validate=length(MAX_EVENT_ID, 1))
    plate = PlateReadField(
        required=True,
        allow_none=True,
        validate=length(32),
        metadata={"description": "null, empty or a no-plate word (`_无_`, 无牌车) for a vehicle without a plate"},
    )
    plate_sent = Text(
        load_default=None, allow_none=True, validate=length(64), metadata={"description": "the plate as sent (base64)"}
    )
    plate_color = VendorColourField(load_default=None, allow_none=True)
    direction = Text(
        required=True, validate=ma.validate.OneOf(["in", "out"], error="应为 in 或 out / Must be in or out.")
    )
    captured_at = Moment(required=True, bounded=False, metadata={"description": "the camera's clock"})
    confidence = ma.fields.Float(load_default=None, allow_none=True, validate=at_least(0, 1))
    lane = Text(load_default=None, allow_none=True, validate=length(20))
    vehicle_type = Text(load_default=None, allow_none=True, validate=length(50))
    time_source = Text(
        load_default="camera",
        validate=ma.validate.OneOf(TIME_SOURCES),
        metadata={"description": "where captured_at came from: the camera's result, its message envelope, or receipt"},
    )
    images = ImagesField(load_default=dict)
    picture_refs = PictureRefsField(load_default=dict, metadata={"description": "pictures sent by path or URL"})
    device = Text(load_default=None, allow_none=True, validate=length(64), metadata={"description": "camera serial"})
    sequence = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=at_least(0, 2**53),
        metadata={"description": "the camera's own record number (AlarmInfoPlate plateid): gaps are lost records"},
    )
    backlog = ma.fields.Boolean(
        load_default=False, metadata={"description": "a record from the camera's offline store (history)"}
    )
    plate_box = ma.fields.List(
        ma.fields.Integer(strict=True, validate=at_least(0)),
        validate=ma.validate.Length(equal=4, error="应为 [x, y, w, h] / Must be [x, y, w, h]."),
        load_default=None,
        allow_none=True,
        metadata={"description": "where the camera found the plate in the vehicle picture, [x, y, w, h] pixels"},
    )

    @ma.post_load
    def no_plate(self, data, **kwargs):
        """A no-plate read has no plate; what the camera sent for it (`_无_`) is kept as sent."""
        if is_no_plate(data["plate"]):
            data["plate_sent"] = data["plate_sent"] or (data["plate"] or None)
            data["plate"] = None
        return data


class ImageSchema(ma.Schema):
    kind = ma.fields.String()
    sha256 = ma.fields.String(allow_none=True)
    reference = ma.fields.String(allow_none=True, metadata={"description": "where the camera said the picture is"})
    fetched = ma.fields.Function(lambda i: i.reference is None or i.sha256 is not None)
    size = ma.fields.Integer()
    width = ma.fields.Integer(allow_none=True)
    height = ma.fields.Integer(allow_none=True)
    valid = ma.fields.Boolean()
    error = ma.fields.String(allow_none=True)
    colour = ma.fields.String(allow_none=True, metadata={"description": "plate colour measured in the picture"})
    colour_confidence = ma.fields.Float(allow_none=True)
    plate_box = ma.fields.List(ma.fields.Integer(), allow_none=True)
    sharpness = ma.fields.Float(allow_none=True)
    analysed_at = ma.fields.AwareDateTime(allow_none=True)


class PassSchema(ma.Schema):
    """A pass (过车记录) with its verdict."""

    id = ma.fields.Integer()
    gate = ma.fields.Function(lambda e: e.gate.code)
    firm_id = ma.fields.Function(lambda e: e.gate.firm_id)
    event_id = ma.fields.String()
    plate = ma.fields.Function(lambda e: e.plate or None, metadata={"description": "null for a no-plate read"})
    no_plate = ma.fields.Boolean(metadata={"description": "a vehicle without a plate (无牌车)"})
    plate_raw = ma.fields.String()
    plate_color = ma.fields.Function(lambda e: e.plate_color and e.plate_color.value)
    direction = ma.fields.Function(lambda e: e.direction.value)
    captured_at = ma.fields.AwareDateTime()
    received_at = ma.fields.AwareDateTime()
    time_source = ma.fields.String(
        metadata={
            "description": "camera (its result), envelope (the message's timestamp: the result had none), or "
            "receiver (no time sent, or the camera's clock was wrong: see camera_time)"
        },
    )
    camera_time = ma.fields.String(
        allow_none=True, metadata={"description": "the camera's own time, when it was too far from the time of receipt"}
    )
    confidence = ma.fields.Float(allow_none=True)
    lane = ma.fields.String(allow_none=True)
    vehicle_type = ma.fields.String(allow_none=True)
    read_count = ma.fields.Integer()
    vehicle_id = ma.fields.Integer(allow_none=True)
    decision = ma.fields.Function(lambda e: e.verdict.decision.value)
    decision_label = ma.fields.Function(lambda e: label("decision", e.verdict.decision))
    findings = ma.fields.Function(lambda e: e.verdict.findings, metadata={"description": "see FindingSchema"})
    policy_ids = ma.fields.Function(lambda e: e.verdict.policy_ids)
    stage_inferred = ma.fields.Function(lambda e: e.verdict.stage_inferred)
    images = ma.fields.List(ma.fields.Nested(ImageSchema))


class IngestAnswerSchema(ma.Schema):
    """What a gate gets back: the verdict, the LED text, and what became of its read."""

    id = ma.fields.Integer(metadata={"description": "the pass"})
    event_id = ma.fields.String()
    plate = ma.fields.String(allow_none=True)
    no_plate = ma.fields.Boolean()
    decision = ma.fields.String(metadata={"description": "pass, deny or review"})
    findings = ma.fields.List(ma.fields.Nested(FindingSchema))
    policy_ids = ma.fields.List(ma.fields.Integer())
    stage_inferred = ma.fields.Boolean()
    display = ma.fields.String(metadata={"description": "LED text: plate, stage, control status, 允许/禁止通行"})
    read_count = ma.fields.Integer()
    outcome = ma.fields.String(metadata={"description": "created, duplicate (resent) or merged (same pass)"})


class EventQueryArgsSchema(ma.Schema):
    gate = Text(metadata={"description": "gate code"})
    firm_id = db_id()
    plate = Text()
    no_plate = ma.fields.Boolean(metadata={"description": "true: only vehicles without a plate (无牌车); false: none"})
    decision = ma.fields.Enum(Decision, by_value=True)
    from_ = Day(data_key="from", metadata={"description": "local date, inclusive"})
    to = Day(metadata={"description": "local date, inclusive"})


class DeadLetterSchema(ma.Schema):
    id = ma.fields.Integer()
    source = ma.fields.String()
    topic = ma.fields.String()
    payload = ma.fields.Function(lambda d: d.payload[:4096].decode("utf-8", "replace"))
    size = ma.fields.Function(lambda d: len(d.payload))
    error = ma.fields.String()
    received_at = ma.fields.AwareDateTime()
