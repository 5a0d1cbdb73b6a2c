"""Case (案件) JSON: a pass's findings together, as they were at the pass, with the review."""

import marshmallow as ma

from registry.alerts.models import AlertLevel
from registry.common.schemas import Day, Text, db_id
from registry.events.models import Decision, ViolationStatus
from registry.labels import label
from registry.violations.schemas import AlertRefSchema, ImageLinkSchema, labelled

SORTS = ["captured_at", "-captured_at", "plate", "-plate"]


class CaseQueryArgsSchema(ma.Schema):
    status = ma.fields.Enum(ViolationStatus, by_value=True)
    plate = Text(metadata={"description": "exact, after normalisation"})
    no_plate = ma.fields.Boolean(metadata={"description": "true: only vehicles without a plate (无牌车)"})
    firm_id = db_id()
    firm = Text(metadata={"description": "the firm's name or 统一社会信用代码 (a picker's value)"})
    gate = Text(metadata={"description": "gate code"})
    rule = Text(metadata={"description": "cases with a finding of this rule"})
    decision = ma.fields.Enum(Decision, by_value=True)
    alert_level = ma.fields.Enum(AlertLevel, by_value=True, metadata={"description": "the highest alert"})
    from_ = Day(data_key="from", metadata={"description": "local date of the pass, inclusive"})
    to = Day(metadata={"description": "local date of the pass, inclusive"})
    sort = Text(load_default="-captured_at", validate=ma.validate.OneOf(SORTS))


class CaseFindingSchema(ma.Schema):
    """One finding of the case: its violation (for statistics per rule) and why."""

    violation_id = ma.fields.Integer(attribute="id")
    rule = ma.fields.String()
    rule_label = labelled("rule", lambda v: v.rule)
    severity = ma.fields.Function(lambda v: v.severity.value)
    message_zh = ma.fields.Function(lambda v: v.finding.get("message_zh"))
    message_en = ma.fields.Function(lambda v: v.finding.get("message_en"))
    clause = ma.fields.Function(lambda v: v.finding.get("clause"))
    alert = ma.fields.Function(lambda v: AlertRefSchema().dump(v.alert) if v.alert else None)


class CaseSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "the case's pass"})
    status = ma.fields.Function(lambda c: c.status.value)
    status_label = labelled("violation_status", lambda c: c.status)
    decision = ma.fields.Function(lambda c: c.decision.value)
    decision_label = labelled("decision", lambda c: c.decision)
    rules = ma.fields.Function(lambda c: c.rule_codes)
    rule_labels = ma.fields.Function(lambda c: [label("rule", rule) for rule in c.rule_codes])
    findings_count = ma.fields.Integer()
    findings = ma.fields.Function(lambda c: CaseFindingSchema(many=True).dump(c.violations))
    plate = ma.fields.Function(lambda c: c.plate or None)
    no_plate = ma.fields.Function(lambda c: not c.plate)
    captured_at = ma.fields.AwareDateTime()
    gate = ma.fields.Function(lambda c: c.plate_event.gate.code)
    firm_id = ma.fields.Integer()
    alert_level = ma.fields.String(allow_none=True)
    alert_level_label = labelled("alert_level", lambda c: c.alert_level)
    emission_stage = ma.fields.Function(lambda c: c.plate_event.verdict.emission_stage)
    emission_stage_label = labelled("stage", lambda c: c.plate_event.verdict.emission_stage)
    vehicle = ma.fields.Function(lambda c: (c.context or {}).get("vehicle"), metadata={"description": "as at the pass"})
    firm = ma.fields.Function(lambda c: (c.context or {}).get("firm"), metadata={"description": "as at the pass"})
    alerts_in_force = ma.fields.Function(lambda c: (c.context or {}).get("alert_ids", []))
    policy_ids = ma.fields.Function(lambda c: (c.context or {}).get("policy_ids", []))
    images = ma.fields.Function(lambda c: ImageLinkSchema(many=True).dump(c.plate_event.images))
    pass_url = ma.fields.Function(lambda c: f"/api/v1/events/{c.plate_event_id}")
    note = ma.fields.String(allow_none=True)
    reviewed_by = ma.fields.Function(lambda c: c.reviewed_by.username if c.reviewed_by else None)
    reviewed_at = ma.fields.AwareDateTime(allow_none=True)
