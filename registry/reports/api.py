"""REST: this platform as a higher platform (/api/v1/reports): lower platforms post batches; the bureau
lists its sources and what they reported."""

from functools import wraps

from flask import g
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from registry.accounts.auth import EDITORS, bearer_token, current_actor, require_role
from registry.accounts.models import Role
from registry.common.i18n import t
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.extensions import db
from registry.reports import services
from registry.reports.models import ReportedRecord, ReportingSource
from registry.reports.schemas import (
    BatchInSchema,
    BatchResultSchema,
    NewSourceSchema,
    RecordQueryArgsSchema,
    ReportedRecordSchema,
    SourceInSchema,
    SourceSchema,
)

blp = Blueprint(
    "reports", __name__, url_prefix="/api/v1/reports", description="下级平台上报 Reports from lower platforms"
)


class RecordListArgs(RecordQueryArgsSchema, PageArgsSchema):
    pass


def require_source(view):
    """The view runs only for a lower platform's token (before its body is read); sets `g.source`."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.source = services.source_for_token(bearer_token())
        if g.source is None:
            abort(
                401,
                message=t("需要有效的下级平台令牌", "A valid lower platform's token is required"),
                headers={"WWW-Authenticate": "Bearer"},
            )
        return view(*args, **kwargs)

    return wrapper


@blp.route("/batches", methods=["POST"])
@require_source
@blp.arguments(BatchInSchema)
@blp.response(200, BatchResultSchema)
@blp.doc(security=[{"bearerAuth": []}])
def post_batch(batch):
    """A lower platform's relay posts a batch with its source token (`Authorization: Bearer`). Each
    record is kept once by its key: a resent batch answers 200 with its records as duplicates."""
    result = services.accept_batch(g.source, batch)
    db.session.commit()
    return result


@blp.route("/sources")
class Sources(MethodView):
    @require_role(*EDITORS)
    @blp.response(200, SourceSchema(many=True))
    def get(self):
        """The lower platforms that report here, with how much and when they last reported."""
        return db.session.scalars(select(ReportingSource).order_by(ReportingSource.code)).all()

    @require_role(Role.ADMIN)
    @blp.arguments(SourceInSchema)
    @blp.response(201, NewSourceSchema)
    def post(self, data):
        """Allow a lower platform to report here; the answer holds its token, shown only once."""
        source, token = services.add_source(current_actor(), data["code"], data["name"])
        db.session.commit()
        return {**SourceSchema().dump(source), "token": token}


@blp.route("/records", methods=["GET"])
@require_role(*EDITORS)
@blp.arguments(RecordListArgs, location="query")
@blp.response(200, page_envelope(ReportedRecordSchema, "ReportedRecordPage"))
def records(args):
    """Records the lower platforms reported, in the order they came, filtered by source code or plate."""
    query = select(ReportedRecord).order_by(ReportedRecord.id)
    if args["source"]:
        query = query.where(
            ReportedRecord.source_id.in_(select(ReportingSource.id).where(ReportingSource.code == args["source"]))
        )
    if args["plate"]:
        query = query.where(ReportedRecord.plate == args["plate"])
    return page_of(query, args)
