"""Page: reporting upward and downward (数据上报状态): each target's backlog, last success and last
error; each lower platform reporting here."""

from flask import Blueprint, render_template
from sqlalchemy import select

from registry.accounts.auth import EDITORS
from registry.accounts.views import page_roles
from registry.extensions import db
from registry.reports.models import ReportingSource
from registry.uplink.services import targets_status

bp = Blueprint("uplink_pages", __name__)


@bp.get("/uplink")
@page_roles(*EDITORS)
def status():
    sources = db.session.scalars(select(ReportingSource).order_by(ReportingSource.code)).all()
    return render_template("uplink/status.html", targets=targets_status(), sources=sources)
