"""Violation (违规记录) JSON: each violation with links to its evidence, as it was at the pass."""

import marshmallow as ma

from registry.alerts.models import AlertLevel
from registry.common.schemas import Day, StrictSchema, Text, db_id, enum_field, optional_text
from registry.events.models import Severity, ViolationStatus
from registry.labels import labelled

SORTS = ["captured_at", "-captured_at", "created_at", "-created_at", "plate", "-plate", "id", "-id"]


class PassFilterArgsSchema(ma.Schema):
    """The filters that violations and cases share: what they carry of their pass."""

    plate = Text(metadata={"description": "exact, after normalisation"})
    no_plate = ma.fields.Boolean(metadata={"description": "true: only vehicles without a plate (无牌车); false: none"})
    plate_prefix = Text(metadata={"description": "e.g. 晋H for every Xinzhou plate"})
    firm_id = db_id()
    firm = Text(metadata={"description": "the firm's name or 统一社会信用代码 (a picker's value)"})
    gate = Text(metadata={"description": "gate code"})
    rule = Text()
    status = ma.fields.Enum(ViolationStatus, by_value=True)
    alert_level = ma.fields.Enum(AlertLevel, by_value=True, metadata={"description": "the alert in force"})
    from_ = Day(data_key="from", metadata={"description": "local date of the pass, inclusive"})
    to = Day(metadata={"description": "local date of the pass, inclusive"})


class ViolationQueryArgsSchema(PassFilterArgsSchema):
    severity = ma.fields.Enum(Severity, by_value=True)
    sort = Text(load_default="-captured_at", validate=ma.validate.OneOf(SORTS))


class ImageLinkSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    valid = ma.fields.Boolean()
    error = ma.fields.String(allow_none=True)
    url = ma.fields.Function(lambda i: f"/api/v1/events/{i.plate_event_id}/images/{i.id}" if i.valid else None)


class AlertRefSchema(ma.Schema):
    id = ma.fields.Integer()
    level = ma.fields.Function(lambda a: a.level.value)
    region = ma.fields.String(allow_none=True)
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    document_no = ma.fields.String(allow_none=True)


class ViolationSchema(ma.Schema):
    id = ma.fields.Integer()
    rule = ma.fields.String()
    rule_label = labelled("rule", lambda v: v.rule)
    severity = ma.fields.Function(lambda v: v.severity.value)
    severity_label = labelled("severity", lambda v: v.severity)
    status = ma.fields.Function(lambda v: v.status.value)
    status_label = labelled("violation_status", lambda v: v.status)
    message_zh = ma.fields.Function(lambda v: v.finding.get("message_zh"))
    message_en = ma.fields.Function(lambda v: v.finding.get("message_en"))
    clause = ma.fields.Function(lambda v: v.finding.get("clause"))
    note = ma.fields.String(allow_none=True)
    reviewed_by = ma.fields.Function(lambda v: v.reviewed_by.username if v.reviewed_by else None)
    reviewed_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    pass_id = ma.fields.Integer(attribute="plate_event_id")
    pass_url = ma.fields.Function(lambda v: f"/api/v1/events/{v.plate_event_id}")
    plate = ma.fields.Function(lambda v: v.plate_event.plate or None)
    no_plate = ma.fields.Function(lambda v: v.plate_event.no_plate)
    plate_color = ma.fields.Function(lambda v: v.plate_event.plate_color and v.plate_event.plate_color.value)
    captured_at = ma.fields.Function(lambda v: v.plate_event.captured_at.isoformat())
    direction = ma.fields.Function(lambda v: v.plate_event.direction.value)
    gate = ma.fields.Function(lambda v: v.plate_event.gate.code)
    firm_id = ma.fields.Function(lambda v: v.plate_event.gate.firm_id)
    decision = ma.fields.Function(lambda v: v.plate_event.verdict.decision.value)
    decision_label = labelled("decision", lambda v: v.plate_event.verdict.decision)
    emission_stage = ma.fields.Function(lambda v: v.plate_event.verdict.emission_stage)
    emission_stage_label = labelled("stage", lambda v: v.plate_event.verdict.emission_stage)
    images = ma.fields.Function(lambda v: ImageLinkSchema(many=True).dump(v.plate_event.images))
    vehicle = ma.fields.Function(lambda v: (v.context or {}).get("vehicle"), metadata={"description": "as at the pass"})
    firm = ma.fields.Function(lambda v: (v.context or {}).get("firm"), metadata={"description": "as at the pass"})
    policy_ids = ma.fields.Function(lambda v: (v.context or {}).get("policy_ids", []))
    policies = ma.fields.Function(lambda v: [f"/api/v1/policies/{i}" for i in (v.context or {}).get("policy_ids", [])])
    alert = ma.fields.Function(
        lambda v: AlertRefSchema().dump(v.alert) if v.alert else None,
        metadata={"description": "the alert this violation is about (staggered transport), with its level"},
    )
    alerts_in_force = ma.fields.Function(
        lambda v: (v.context or {}).get("alert_ids", []), metadata={"description": "every alert in force at the pass"}
    )


class ReviewSchema(StrictSchema):
    status = enum_field(ViolationStatus, required=True)
    note = optional_text(1000, multiline=True)


class LedgerArgsSchema(ma.Schema):
    from_ = Day(required=True, data_key="from", metadata={"description": "local date, inclusive"})
    to = Day(required=True, metadata={"description": "local date, inclusive"})
    part = Text(
        load_default="3",
        validate=ma.validate.OneOf(["3", "4", "5", "seals"]),
        metadata={"description": "CSV: which table (3, 4, 5, or the chain's seals); XLSX has them all, a sheet each"},
    )

    @ma.validates_schema
    def _in_order(self, data, **_kwargs):
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ma.ValidationError("截止日期早于起始日期 / `to` is before `from`.", "to")
