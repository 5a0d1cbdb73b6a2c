"""REST: 黑烟抓拍 — a camera pushes its captures (POST /api/v1/stations/{code}/captures, with its own
secret); the police or the bureau review them (POST /api/v1/smoke/captures/{id}/review)."""

from flask import g
from flask.views import MethodView

from registry.accounts.auth import FIRM_READERS, READERS, current_actor, require_role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.common.services import not_found
from registry.extensions import db
from registry.smoke import services
from registry.smoke.models import SmokeCapture
from registry.smoke.schemas import SmokeCaptureSchema, SmokePushSchema, SmokeQueryArgsSchema, SmokeReviewSchema
from registry.stations.services import require_station

blp = Blueprint("smoke", __name__, url_prefix="/api/v1", description="黑烟抓拍 Black-smoke captures")


class CaptureArgs(SmokeQueryArgsSchema, PageArgsSchema):
    pass


@blp.route("/stations/<code>/captures")
class StationCaptures(MethodView):
    @require_station("black_smoke")
    @blp.arguments(SmokePushSchema)
    @blp.response(200, SmokeCaptureSchema(many=True))
    @blp.doc(security=[{"gateSecret": []}])
    def post(self, data, code):
        """A black-smoke camera pushes one capture or a list; each starts 待审核 (pending)."""
        answered = services.record_captures(g.station, data["captures"])
        db.session.commit()
        for row, created in answered:
            row.created = created
        return [row for row, _ in answered]


@blp.route("/smoke/captures")
@require_role(*FIRM_READERS)
@blp.arguments(CaptureArgs, location="query")
@blp.response(200, page_envelope(SmokeCaptureSchema, "SmokeCapturePage"))
def captures(args):
    """Captures, pending ones first by default; a firm sees its own trucks' confirmed captures."""
    return page_of(services.captures_query(args, current_actor()), args)


@blp.route("/smoke/captures/<int:capture_id>/review", methods=["POST"])
@require_role(*READERS)
@blp.arguments(SmokeReviewSchema)
@blp.response(200, SmokeCaptureSchema)
def review(data, capture_id):
    """Confirm or dismiss a pending capture (a dismissal says why)."""
    capture = db.session.get(SmokeCapture, capture_id)
    if capture is None:
        raise not_found("黑烟抓拍", "capture")
    services.review_capture(current_actor(), capture, data["decision"], data["note"])
    db.session.commit()
    return capture
