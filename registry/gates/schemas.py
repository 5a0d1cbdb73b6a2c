"""Gate (门禁) JSON."""

import marshmallow as ma

from registry.common.schemas import Day, StrictSchema, Text, at_least, db_id, length, required_text

GATE_CODE = ma.validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$",
    error="门禁编码只能含字母、数字、- 和 _，2 到 32 位 / A gate code is 2-32 letters, digits, - or _.",
)


DEVICE_SN = ma.validate.Regexp(
    r"^[A-Za-z0-9_-]{1,64}$", error="设备序列号只能含字母、数字、- 和 _ / A device serial is letters, digits, - or _."
)


class GateSchema(ma.Schema):
    id = ma.fields.Integer()
    firm_id = ma.fields.Integer()
    name = ma.fields.String()
    code = ma.fields.String()
    device_sn = ma.fields.String(allow_none=True)
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    active = ma.fields.Boolean()
    last_seen_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "the camera's last heartbeat"})
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class GateWithSecretSchema(GateSchema):
    secret = ma.fields.String(
        metadata={"description": "门禁密钥，仅此一次显示 / the gate's secret, shown only this once"}
    )


def coordinate(low: float, high: float, what: str) -> ma.fields.Float:
    return ma.fields.Float(
        allow_none=True,
        allow_nan=False,
        validate=at_least(low, high),
        metadata={"description": f"{what}, WGS-84 degrees"},
    )


class GateInputSchema(StrictSchema):
    name = required_text(100)
    code = Text(validate=GATE_CODE)
    device_sn = Text(allow_none=True, validate=DEVICE_SN)
    latitude = coordinate(-90, 90, "latitude")
    longitude = coordinate(-180, 180, "longitude")


class GateUpdateSchema(StrictSchema):
    name = Text(validate=length(100, 1))
    active = ma.fields.Boolean()
    device_sn = Text(allow_none=True, validate=DEVICE_SN)
    latitude = coordinate(-90, 90, "latitude")
    longitude = coordinate(-180, 180, "longitude")


class GateQueryArgsSchema(ma.Schema):
    firm_id = db_id()
    active = ma.fields.Boolean()


class DeliveryArgsSchema(ma.Schema):
    from_ = Day(data_key="from", metadata={"description": "local date, inclusive (default: 6 days before `to`)"})
    to = Day(metadata={"description": "local date, inclusive (default: today)"})
    gate = Text(metadata={"description": "gate code (default: every active gate)"})

    @ma.validates_schema
    def _span(self, data, **kwargs):
        first, last = data.get("from_"), data.get("to")
        if first and last and not 0 <= (last - first).days <= 92:
            raise ma.ValidationError("日期范围应为 0 到 92 天 / from..to spans 0 to 92 days.", "to")


class DeliverySchema(ma.Schema):
    """A gate's delivery on one local day: reads, the camera's numbered records and the gaps in them."""

    gate = ma.fields.String()
    gate_name = ma.fields.String()
    firm = ma.fields.String()
    day = ma.fields.String()
    reads = ma.fields.Integer()
    numbered = ma.fields.Integer(metadata={"description": "reads carrying the camera's record number"})
    missing = ma.fields.Integer(metadata={"description": "record numbers that never arrived"})
    rate = ma.fields.Float(allow_none=True, metadata={"description": "numbered / (numbered + missing); null: unknown"})
    below_target = ma.fields.Boolean(metadata={"description": "under DELIVERY_TARGET_PERMILLE (95 %)"})
    silent = ma.fields.Boolean(metadata={"description": "no read at all that day"})
    last_seen = ma.fields.AwareDateTime(allow_none=True)
