"""REST: the GB 36886-2018 smoke-limit table and the zone rules, kept as data the bureau corrects."""

from flask.views import MethodView
from sqlalchemy import select

from registry.accounts.auth import current_actor, require_role
from registry.accounts.models import Role
from registry.audit.services import record_change
from registry.common.rest import Blueprint
from registry.common.services import add_audited, apply_changes, change_audited, get_or_404
from registry.extensions import db
from registry.machinery.limit_schemas import (
    SmokeLimitInputSchema,
    SmokeLimitSchema,
    SmokeLimitUpdateSchema,
    ZoneRuleInputSchema,
    ZoneRuleSchema,
)
from registry.machinery.models import SmokeLimit, ZoneRule
from registry.machinery.services import BUREAU, READERS

blp = Blueprint(
    "machinery-data", __name__, url_prefix="/api/v1", description="烟度限值与区域规则 Limits and zone rules"
)

VIEWERS = (*READERS, Role.CONSTRUCTION)


def _limit_snapshot(row: SmokeLimit) -> dict:
    return SmokeLimitSchema(exclude=("updated_at",)).dump(row)


def _zone_snapshot(row: ZoneRule) -> dict:
    return ZoneRuleSchema(exclude=("updated_at",)).dump(row)


@blp.route("/smoke-limits")
class SmokeLimits(MethodView):
    @require_role(*VIEWERS)
    @blp.response(200, SmokeLimitSchema(many=True))
    def get(self):
        """The limit table (light-absorption coefficient k, m^-1, by class and power band)."""
        return db.session.scalars(select(SmokeLimit).order_by(SmokeLimit.limit_class, SmokeLimit.power_from_kw)).all()

    @require_role(*BUREAU)
    @blp.arguments(SmokeLimitInputSchema)
    @blp.response(201, SmokeLimitSchema)
    def post(self, data):
        """Add a band."""
        row = add_audited(current_actor(), SmokeLimit(**data), "smoke_limit", _limit_snapshot)
        db.session.commit()
        return row


@blp.route("/smoke-limits/<int:limit_id>", methods=["PATCH"])
@require_role(*BUREAU)
@blp.arguments(SmokeLimitUpdateSchema(partial=True))
@blp.response(200, SmokeLimitSchema)
def patch_limit(data, limit_id):
    """Correct a band (the values in force are unconfirmed; the bureau checks them against the standard)."""
    row = get_or_404(SmokeLimit, limit_id, "限值", "smoke limit")
    change_audited(current_actor(), row, data, "smoke_limit", _limit_snapshot)
    db.session.commit()
    return row


@blp.route("/zone-rules")
@require_role(*VIEWERS)
@blp.response(200, ZoneRuleSchema(many=True))
def zone_rules():
    """What each kind of site admits, and which limit class applies to each stage there."""
    return db.session.scalars(select(ZoneRule).order_by(ZoneRule.code)).all()


@blp.route("/zone-rules/<code>", methods=["PATCH"])
@require_role(*BUREAU)
@blp.arguments(ZoneRuleInputSchema(partial=True))
@blp.response(200, ZoneRuleSchema)
def patch_zone(data, code):
    """Change a zone's rules."""
    row = get_or_404(ZoneRule, code, "区域规则", "zone rule")
    before = _zone_snapshot(row)
    if apply_changes(row, data):  # zone rules are keyed by code: the code goes in the audit snapshot
        db.session.flush()
        record_change(current_actor(), "update", "zone_rule", None, before=before, after=_zone_snapshot(row))
    db.session.commit()
    return row
