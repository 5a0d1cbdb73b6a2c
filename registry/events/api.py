"""REST: gate ingest (POST /api/v1/gates/{code}/events), passes and dead letters."""

from flask import Response, g, send_file
from flask.views import MethodView
from sqlalchemy import false, select
from sqlalchemy.orm import joinedload

from registry.accounts.auth import EDITORS, READERS, current_actor, own_firm_id, require_role
from registry.accounts.models import Role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.replica import reads_from_replica
from registry.common.rest import Blueprint
from registry.common.schemas import ThumbnailArgsSchema
from registry.common.time import local_day_bounds
from registry.events.auth import require_gate
from registry.events.evidence import evidence_jpeg, image_file, thumbnail_file
from registry.events.models import DeadLetter, PlateEvent, Verdict
from registry.events.months import fill_passes
from registry.events.passes import pass_for
from registry.events.schemas import (
    DeadLetterSchema,
    EventQueryArgsSchema,
    GateEventSchema,
    IngestAnswerSchema,
    PassSchema,
)
from registry.extensions import db
from registry.gates.models import Gate
from registry.identifiers.plates import normalise_plate
from registry.ingest import record_plate_event

blp = Blueprint("events", __name__, url_prefix="/api/v1", description="过车记录 Gate events and passes")


class EventListArgs(EventQueryArgsSchema, PageArgsSchema):
    pass


@blp.route("/gates/<code>/events")
class GateEvents(MethodView):
    @require_gate
    @blp.arguments(GateEventSchema)
    @blp.response(201, IngestAnswerSchema)
    @blp.alt_response(200, schema=IngestAnswerSchema, description="a resent or merged read: the stored verdict")
    @blp.doc(security=[{"gateSecret": []}])
    def post(self, read, code):
        """A gate reports a plate read; answers the verdict (201 new pass, 200 resent or merged read)."""
        ingested = record_plate_event(g.gate, read, "http")
        db.session.commit()
        return ingested.answer(), 201 if ingested.created else 200


def events_query(args: dict, firm_id: int | None = None):
    """Passes matching the filters; a firm user's (firm_id) only at its own gates. Gates are filtered
    by id (a firm's as a set of ids), never by a join, so that a page or a count is a walk of one index
    of plate_events (ix_plate_events_captured_at_id carries the gate for that)."""
    query = select(PlateEvent).options(joinedload(PlateEvent.gate))  # verdicts and pictures: fill_passes
    for firm in {firm_id, args.get("firm_id")} - {None}:
        query = query.where(PlateEvent.gate_id.in_(select(Gate.id).where(Gate.firm_id == firm)))
    if args.get("gate"):
        gate_id = db.session.scalar(select(Gate.id).where(Gate.code == args["gate"]))
        query = query.where(PlateEvent.gate_id == gate_id if gate_id is not None else false())
    if args.get("plate"):
        query = query.where(PlateEvent.plate == normalise_plate(args["plate"]))
    if args.get("no_plate") is not None:
        query = query.where((PlateEvent.plate == "") if args["no_plate"] else (PlateEvent.plate != ""))
    if args.get("decision"):
        # on the pass's time as well as its id: each month of passes meets its own month of verdicts
        query = query.join(
            Verdict, (Verdict.plate_event_id == PlateEvent.id) & (Verdict.pass_at == PlateEvent.captured_at)
        ).where(Verdict.decision == args["decision"])
    times = (PlateEvent.captured_at, Verdict.pass_at) if args.get("decision") else (PlateEvent.captured_at,)
    for moment in times:  # the same days on each table, so that the planner keeps only their months
        if args.get("from_"):
            query = query.where(moment >= local_day_bounds(args["from_"])[0])
        if args.get("to"):
            query = query.where(moment < local_day_bounds(args["to"])[1])
    return query.order_by(PlateEvent.captured_at.desc(), PlateEvent.id.desc())


@blp.route("/events")
class Events(MethodView):
    @require_role(*READERS, Role.FIRM)
    @blp.arguments(EventListArgs, location="query")
    @blp.response(200, page_envelope(PassSchema, "PassPage"))
    @reads_from_replica
    def get(self, args):
        """Passes with their verdicts, newest first; `from`/`to` are local dates (inclusive). A firm sees its own."""
        return page_of(events_query(args, own_firm_id(current_actor())), args, fill_passes)


@blp.route("/events/<int:event_id>")
class EventById(MethodView):
    @require_role(*READERS, Role.FIRM)
    @blp.response(200, PassSchema)
    def get(self, event_id):
        """One pass with its verdict, reads count and pictures."""
        return pass_for(current_actor(), event_id)


@blp.route("/events/<int:event_id>/images/<int:image_id>", methods=["GET"])
@require_role(*READERS, Role.FIRM)
@blp.arguments(ThumbnailArgsSchema, location="query")
@blp.response(200, description="the picture as the camera sent it (JPEG or PNG), or a JPEG thumbnail")
def pass_image(args, event_id, image_id):
    """One stored picture of a pass (evidence); `?thumbnail=true` for lists."""
    plate_event = pass_for(current_actor(), event_id)
    if args["thumbnail"]:
        return send_file(thumbnail_file(plate_event, image_id), mimetype="image/jpeg", max_age=3600)
    path, content_type = image_file(plate_event, image_id)
    return send_file(path, mimetype=content_type, max_age=3600)


@blp.route("/events/<int:event_id>/evidence.jpg", methods=["GET"])
@require_role(*READERS, Role.FIRM)
@blp.response(200, description="JPEG: the picture with the plate boxed, gate, local time and decision")
def evidence(event_id):
    """The annotated evidence picture of a pass."""
    return Response(evidence_jpeg(pass_for(current_actor(), event_id)), mimetype="image/jpeg")


@blp.route("/dead-letters")
class DeadLetters(MethodView):
    @require_role(*EDITORS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_envelope(DeadLetterSchema, "DeadLetterPage"))
    def get(self, args):
        """Messages that could not become passes, newest first, with the reason."""
        query = select(DeadLetter).order_by(DeadLetter.received_at.desc(), DeadLetter.id.desc())
        return page_of(query, args)
