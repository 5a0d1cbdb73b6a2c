"""REST: 限行区域 — zones (GET /api/v1/zones) and permits (GET/POST /api/v1/zones/permits, revoked with
POST /api/v1/zones/permits/{id}/revoke): issued and revoked by the police (and the bureau)."""

import marshmallow as ma
from flask.views import MethodView

from registry.accounts.auth import READERS, current_actor, require_role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.common.schemas import Day, StrictSchema, Text, length
from registry.extensions import db
from registry.zones import services

blp = Blueprint("zones", __name__, url_prefix="/api/v1", description="限行区域 Restriction zones and permits")


class ZoneSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    clause = ma.fields.String()
    polygon = ma.fields.List(ma.fields.List(ma.fields.Float()))
    roads = ma.fields.List(ma.fields.String())
    season_from = ma.fields.String(allow_none=True)
    season_to = ma.fields.String(allow_none=True)
    hours_from = ma.fields.String(allow_none=True)
    hours_to = ma.fields.String(allow_none=True)
    alert_levels = ma.fields.List(ma.fields.String())
    vehicle_classes = ma.fields.List(ma.fields.String())
    max_stage = ma.fields.String(allow_none=True)
    fuel_types = ma.fields.List(ma.fields.String())
    origin = ma.fields.String()
    local_prefixes = ma.fields.List(ma.fields.String())
    effective_from = ma.fields.Date()
    effective_to = ma.fields.Date(allow_none=True)
    active = ma.fields.Boolean()
    checkpoints = ma.fields.Function(lambda z: [g.code for g in z.checkpoints])


class PermitInputSchema(StrictSchema):
    kind = Text(load_default="pass", validate=ma.validate.OneOf(["pass", "exemption"]))
    plate = Text(required=True, validate=length(16))
    zone_id = ma.fields.Integer(load_default=None, allow_none=True)
    route = Text(load_default=None, validate=length(500))
    reason = Text(required=True, validate=length(500, 1))
    valid_from = Day(required=True)
    valid_to = Day(required=True)
    hours_from = Text(load_default=None, validate=length(5))
    hours_to = Text(load_default=None, validate=length(5))


class PermitSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    kind = ma.fields.String()
    plate = ma.fields.String()
    zone_id = ma.fields.Integer(allow_none=True)
    route = ma.fields.String(allow_none=True)
    reason = ma.fields.String()
    valid_from = ma.fields.Date()
    valid_to = ma.fields.Date()
    hours_from = ma.fields.String(allow_none=True)
    hours_to = ma.fields.String(allow_none=True)
    issued_at = ma.fields.AwareDateTime()
    revoked_at = ma.fields.AwareDateTime(allow_none=True)
    revoke_reason = ma.fields.String(allow_none=True)


class PermitArgs(PageArgsSchema):
    plate = Text(validate=length(16))
    status = Text(validate=ma.validate.OneOf(["current", "revoked", "all"]))


class RevokeSchema(StrictSchema):
    reason = Text(required=True, validate=length(500, 1))


@blp.route("/zones")
@require_role(*READERS)
@blp.response(200, ZoneSchema(many=True))
def zones():
    """Every restriction zone with its rule and checkpoints."""
    return services.zones()


@blp.route("/zones/permits")
class Permits(MethodView):
    @require_role(*READERS)
    @blp.arguments(PermitArgs, location="query")
    @blp.response(200, page_envelope(PermitSchema, "PermitPage"))
    def get(self, args):
        """Permits, current ones by default, newest first."""
        return page_of(services.permits_query(args), args)

    @require_role(*READERS)
    @blp.arguments(PermitInputSchema)
    @blp.response(201, PermitSchema)
    def post(self, data):
        """Issue an electronic pass or an exemption (audited)."""
        permit = services.issue_permit(current_actor(), data)
        db.session.commit()
        return permit


@blp.route("/zones/permits/<int:permit_id>/revoke", methods=["POST"])
@require_role(*READERS)
@blp.arguments(RevokeSchema)
@blp.response(200, PermitSchema)
def revoke(data, permit_id):
    """Revoke a permit, saying why (audited)."""
    permit = services.revoke_permit(current_actor(), services.get_permit(permit_id), data["reason"])
    db.session.commit()
    return permit
