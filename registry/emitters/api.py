"""REST: 疑似高排放车辆 — the list (GET /api/v1/emitters; a firm: its own trucks)."""

import marshmallow as ma

from registry.accounts.auth import FIRM_READERS, current_actor, require_role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.common.schemas import Text, length
from registry.emitters import services

blp = Blueprint("emitters", __name__, url_prefix="/api/v1", description="疑似高排放车辆 Suspected high emitters")


class EmitterArgs(PageArgsSchema):
    status = Text(validate=ma.validate.OneOf(["listed", "cleared", "all"]))
    plate = Text(validate=length(16))


class EmitterSchema(ma.Schema):
    id = ma.fields.Integer()
    plate = ma.fields.String()
    vehicle_id = ma.fields.Integer(allow_none=True)
    listed_at = ma.fields.AwareDateTime()
    reasons = ma.fields.List(ma.fields.String())
    evidence = ma.fields.List(ma.fields.Dict())
    cleared_at = ma.fields.AwareDateTime(allow_none=True)
    clear_note = ma.fields.String(allow_none=True)


@blp.route("/emitters")
@require_role(*FIRM_READERS)
@blp.arguments(EmitterArgs, location="query")
@blp.response(200, page_envelope(EmitterSchema, "EmitterPage"))
def emitters(args):
    """Suspected high emitters with their evidence, newest first."""
    return page_of(services.listings_query(args, current_actor()), args)
