"""Page: one pass (过车记录) as evidence — its annotated picture, the camera's pictures, the gate, the time
and the verdict with each finding — for anyone who may see the pass. The gate ledger's 车辆照片 column
links here, so a filed ledger's picture opens for a logged-in reader."""

from flask import Blueprint, Response, render_template, send_file
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import FIRM_READERS
from registry.accounts.views import page_roles
from registry.cases.models import Case
from registry.events.evidence import evidence_jpeg, image_file
from registry.events.passes import pass_for
from registry.extensions import db

bp = Blueprint("pass_pages", __name__, url_prefix="/passes")


@bp.get("/<int:pass_id>")
@page_roles(*FIRM_READERS)
def show(pass_id):
    plate_event = pass_for(current_user, pass_id)
    case = db.session.scalar(
        select(Case.plate_event_id).where(
            Case.plate_event_id == plate_event.id, Case.captured_at == plate_event.captured_at
        )
    )
    pictures = [i for i in plate_event.images if i.valid and i.sha256 and i.purged_at is None]
    page = render_template(
        "passes/show.html", p=plate_event, verdict=plate_event.verdict, case_id=case, pictures=pictures
    )
    return page


@bp.get("/<int:pass_id>/evidence.jpg")
@page_roles(*FIRM_READERS)
def evidence(pass_id):
    return Response(evidence_jpeg(pass_for(current_user, pass_id)), mimetype="image/jpeg")


@bp.get("/<int:pass_id>/images/<int:image_id>")
@page_roles(*FIRM_READERS)
def image(pass_id, image_id):
    path, content_type = image_file(pass_for(current_user, pass_id), image_id)
    return send_file(path, mimetype=content_type, max_age=3600)
