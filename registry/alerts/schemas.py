"""Alert (预警) and exemption (豁免) JSON. Times are ISO 8601 with an offset."""

import marshmallow as ma

from registry.alerts.models import AlertLevel
from registry.common.schemas import Moment, StrictSchema, enum_field, optional_text, required_text
from registry.common.time import utcnow
from registry.labels import labelled
from registry.vehicles.schemas import PlateField


class AlertSchema(ma.Schema):
    id = ma.fields.Integer()
    level = ma.fields.Enum(AlertLevel, by_value=True)
    region = ma.fields.String(allow_none=True)
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    ended_early_at = ma.fields.AwareDateTime(allow_none=True)
    document_no = ma.fields.String(allow_none=True)
    issued_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    withdrawn_at = ma.fields.AwareDateTime(allow_none=True)
    withdrawal_reason = ma.fields.String(allow_none=True)
    state = ma.fields.Function(
        lambda a: a.state(utcnow()),
        metadata={"description": "scheduled (not begun), in_force, ended, ended_early or withdrawn"},
    )
    state_label = labelled("alert_state", lambda a: a.state(utcnow()))


class AlertInputSchema(StrictSchema):
    level = enum_field(AlertLevel, required=True)
    region = optional_text(64, metadata={"description": "空 = 全区 / empty = the whole district"})
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    document_no = optional_text(100)

    @ma.validates_schema
    def _ends_after_start(self, data, **_kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ma.ValidationError("结束时间须晚于开始时间 / ends_at must be after starts_at.", "ends_at")

    @ma.post_load
    def _empty_region_is_district(self, data, **_kwargs):
        data["region"] = data.get("region") or None
        return data


class AlertChangeSchema(StrictSchema):
    """A correction of an alert entered by mistake: the fields to change and why (kept in the audit)."""

    level = enum_field(AlertLevel)
    region = optional_text(64, metadata={"description": "空 = 全区 / empty = the whole district"})
    starts_at = Moment()
    ends_at = Moment()
    document_no = optional_text(100)
    reason = required_text(500, multiline=True, metadata={"description": "更正原因 / why it is corrected"})

    @ma.post_load
    def _empty_region_is_district(self, data, **_kwargs):
        if "region" in data:
            data["region"] = data["region"] or None
        return data


class AlertWithdrawSchema(StrictSchema):
    reason = required_text(500, multiline=True, metadata={"description": "撤销原因 / why it is withdrawn"})


class AlertEndSchema(StrictSchema):
    ended_at = Moment(metadata={"description": "默认现在 / defaults to now"})


class AlertQueryArgsSchema(ma.Schema):
    active = ma.fields.Boolean(metadata={"description": "only alerts in force now (or at `at`)"})
    at = Moment()
    level = ma.fields.Enum(AlertLevel, by_value=True)


class ExemptionSchema(ma.Schema):
    id = ma.fields.Integer()
    alert_id = ma.fields.Integer()
    plate = ma.fields.String()
    reason = ma.fields.String()
    approved_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class ExemptionInputSchema(StrictSchema):
    plate = PlateField(required=True)
    reason = required_text(500, multiline=True)
