"""Alert evaluation JSON: field names are public API."""

import marshmallow as ma


class FirmFiguresSchema(ma.Schema):
    firm_id = ma.fields.Integer()
    firm = ma.fields.String()
    grade = ma.fields.String()
    restricted_per_day_alert = ma.fields.Float(metadata={"description": "restricted trucks' passes a day, alert"})
    all_per_day_alert = ma.fields.Float()
    restricted_per_day_normal = ma.fields.Float(allow_none=True, metadata={"description": "the same, normal days"})
    all_per_day_normal = ma.fields.Float(allow_none=True)
    unknown_per_day_alert = ma.fields.Float(
        metadata={
            "description": "passes a day of trucks in scope whose stage is unknown, alert (not counted as restricted)"
        }
    )
    unknown_per_day_normal = ma.fields.Float(allow_none=True, metadata={"description": "the same, normal days"})
    reduction = ma.fields.Float(allow_none=True, metadata={"description": "how much restricted passes fell (0-1)"})
    did_not_fall = ma.fields.Boolean()
    outcome = ma.fields.String(
        metadata={
            "description": "not_staggered, staggered, quiet (no restricted traffic), or no_baseline (no pass "
            "of the firm on the normal days: nothing to compare)"
        }
    )


class EvaluationSchema(ma.Schema):
    alert_id = ma.fields.Function(lambda e: e.alert.id)
    level = ma.fields.Function(lambda e: e.alert.level.value)
    region = ma.fields.Function(lambda e: e.alert.region)
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    alert_days = ma.fields.Float()
    normal_days = ma.fields.List(ma.fields.Date())
    firms = ma.fields.List(ma.fields.Nested(FirmFiguresSchema))
