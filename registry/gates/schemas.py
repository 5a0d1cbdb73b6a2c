"""Gate (门禁) JSON."""

import marshmallow as ma

from registry.common.schemas import StrictSchema, Text, db_id, length, required_text

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
    active = ma.fields.Boolean()
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class GateWithSecretSchema(GateSchema):
    secret = ma.fields.String(
        metadata={"description": "门禁密钥，仅此一次显示 / the gate's secret, shown only this once"}
    )


class GateInputSchema(StrictSchema):
    name = required_text(100)
    code = Text(validate=GATE_CODE)
    device_sn = Text(allow_none=True, validate=DEVICE_SN)


class GateUpdateSchema(StrictSchema):
    name = Text(validate=length(100, 1))
    active = ma.fields.Boolean()
    device_sn = Text(allow_none=True, validate=DEVICE_SN)


class GateQueryArgsSchema(ma.Schema):
    firm_id = db_id()
    active = ma.fields.Boolean()
