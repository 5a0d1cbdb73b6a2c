"""Case (案件) JSON: a pass's findings together, as they were at the pass, with the review."""

import marshmallow as ma

from registry.common.schemas import StrictSchema, Text, db_id, enum_field, optional_text
from registry.events.models import Decision, ViolationStatus
from registry.labels import label, labelled
from registry.violations.schemas import AlertRefSchema, ImageLinkSchema, PassFilterArgsSchema

SORTS = ["captured_at", "-captured_at", "plate", "-plate"]


class CaseQueryArgsSchema(PassFilterArgsSchema):
    """The violations' filters (a rule: a case with a finding of that rule), and the decision."""

    decision = ma.fields.Enum(Decision, by_value=True)
    sort = Text(load_default="-captured_at", validate=ma.validate.OneOf(SORTS))


class FindingDecisionSchema(StrictSchema):
    violation_id = db_id(required=True, strict=True)
    status = enum_field(ViolationStatus, required=True, metadata={"description": "confirmed or dismissed"})
    note = optional_text(1000, multiline=True)


class CaseReviewSchema(StrictSchema):
    """A review: each finding's decision (`findings`), or one `status` for every open finding. A dismissal
    needs a note, and so does confirming a finding of severity review (a suspected cloned plate)."""

    status = enum_field(ViolationStatus, metadata={"description": "the same for every open finding"})
    note = optional_text(1000, multiline=True)
    findings = ma.fields.List(ma.fields.Nested(FindingDecisionSchema), validate=ma.validate.Length(min=1))

    @ma.validates_schema
    def _one_way(self, data, **_kwargs):
        if ("status" in data) == ("findings" in data):
            raise ma.ValidationError("给出 status 或 findings 之一 / give status or findings", "status")


class CaseFindingSchema(ma.Schema):
    """One finding of the case: its violation (for statistics per rule) and why."""

    violation_id = ma.fields.Integer(attribute="id")
    status = ma.fields.Function(lambda v: v.status.value)
    status_label = labelled("violation_status", lambda v: v.status)
    note = ma.fields.String(allow_none=True)
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
