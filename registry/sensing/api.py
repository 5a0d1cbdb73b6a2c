"""REST: 遥感监测 — a station pushes its results (POST /api/v1/stations/{code}/results, with its own
secret); readers list them (GET /api/v1/sensing/results; a firm: its own trucks')."""

from flask import g
from flask.views import MethodView

from registry.accounts.auth import FIRM_READERS, current_actor, own_firm_id, require_role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.extensions import db
from registry.sensing import services
from registry.sensing.schemas import SensingPushSchema, SensingQueryArgsSchema, SensingResultSchema
from registry.stations.services import require_station

blp = Blueprint("sensing", __name__, url_prefix="/api/v1", description="遥感监测 Remote sensing")


class ResultArgs(SensingQueryArgsSchema, PageArgsSchema):
    pass


@blp.route("/stations/<code>/results")
class StationResults(MethodView):
    @require_station("remote_sensing")
    @blp.arguments(SensingPushSchema)
    @blp.response(200, SensingResultSchema(many=True))
    @blp.doc(security=[{"gateSecret": []}])
    def post(self, data, code):
        """A remote-sensing station pushes one result or a list; each answered with its judgement (a result
        sent again answers as kept, `created` false)."""
        answered = services.record_results(g.station, data["results"], "push")
        db.session.commit()
        out = []
        for row, created in answered:
            row.created = created
            out.append(row)
        return out


@blp.route("/sensing/results")
@require_role(*FIRM_READERS)
@blp.arguments(ResultArgs, location="query")
@blp.response(200, page_envelope(SensingResultSchema, "SensingResultPage"))
def results(args):
    """Remote-sensing results, newest first; by plate, station, or over a limit."""
    return page_of(services.results_query(args, own_firm_id(current_actor())), args)
