"""Pages: 监测站点 — remote-sensing stations and black-smoke cameras, registered by the bureau with a push
secret shown once; and the stations' stored pictures."""

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import String, cast, exists, select

from registry.accounts.auth import EDITORS, FIRM_READERS, READERS
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.errors import DomainError
from registry.common.forms import coordinates, shown_once, submit
from registry.common.i18n import t
from registry.extensions import db
from registry.pictures.store import image_path
from registry.sensing.models import SensingMapping, SensingResult
from registry.smoke.models import SmokeCapture
from registry.stations import services
from registry.stations.models import KINDS
from registry.stations.pictures import STORED
from registry.vehicles.models import Vehicle

bp = Blueprint("station_pages", __name__, url_prefix="/roadside/stations")


def _form() -> dict:
    form = request.form
    kind = form.get("kind")
    if kind not in KINDS:
        raise DomainError(t("请选择站点类型", "choose the kind"), "kind")
    name = form.get("name", "").strip()[:100]
    if not name:
        raise DomainError(t("请填写站点名称", "give the station a name"), "name")
    data = {"kind": kind, "name": name, "road": form.get("road", "").strip()[:100] or None,
            "code": form.get("code", "").strip().upper()[:32] or None,
            "mapping_id": form.get("mapping_id", type=int)}  # fmt: skip
    return data | coordinates(form)


@bp.route("", methods=["GET", "POST"])
@page_roles(*READERS)
def index():
    errors = None
    if request.method == "POST":
        if current_user.role not in EDITORS:
            abort(403)
        result, errors = submit(lambda: services.register_station(current_user, _form()))
        if errors is None:
            station, secret = result
            return shown_once(render_template("stations/secret.html", station=station, secret=secret))
    mappings = db.session.scalars(db.select(SensingMapping).order_by(SensingMapping.name)).all()
    page = render_template("stations/index.html", stations=services.stations(), mappings=mappings,
                           entered=request.form, errors=errors, may_edit=current_user.role in EDITORS)  # fmt: skip
    return page, 422 if errors else 200


@bp.get("/pictures/<digest>")
@page_roles(*FIRM_READERS)
def picture(digest):
    """A picture a station sent, stored by its content (its digest names it). A firm user sees only the
    pictures of its own trucks' confirmed captures and results (another's answers 404, as if none)."""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        abort(404)
    if current_user.role == Role.FIRM and not _own_picture(current_user.firm_id, digest):
        abort(404)
    path = image_path(Path(current_app.config["IMAGE_DIR"]), digest)
    if not path.exists():
        abort(404)
    with path.open("rb") as file:
        png = file.read(8) == b"\x89PNG\r\n\x1a\n"
    return send_file(path, mimetype="image/png" if png else "image/jpeg", max_age=86400)


def _own_picture(firm_id: int | None, digest: str) -> bool:
    """Whether a confirmed capture or a result of one of the firm's trucks names the picture."""
    reference = f"%{STORED}{digest}%"
    own = select(Vehicle.id).where(Vehicle.firm_id == firm_id)
    captured = select(SmokeCapture.id).where(
        SmokeCapture.vehicle_id.in_(own),
        SmokeCapture.status == "confirmed",
        cast(SmokeCapture.pictures, String).like(reference),
    )
    sensed = select(SensingResult.id).where(
        SensingResult.vehicle_id.in_(own), cast(SensingResult.pictures, String).like(reference)
    )
    return bool(db.session.scalar(select(exists(captured) | exists(sensed))))
