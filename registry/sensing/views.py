"""Pages: 遥感监测 — the results (over a limit, invalid, by plate or station) with each judgement and its
reasons; importing a station software's CSV or XLSX, every bad line named; the vendors' column mappings."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import EDITORS, FIRM_READERS
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.errors import DomainError
from registry.common.forms import submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.extensions import db
from registry.sensing import services
from registry.sensing.mapping import HEADERS
from registry.sensing.models import SensingMapping
from registry.stations.models import RoadsideStation

bp = Blueprint("sensing_pages", __name__, url_prefix="/roadside/sensing")


@bp.get("")
@page_roles(*FIRM_READERS)
def results():
    args = {"plate": request.args.get("plate", ""), "station": request.args.get("station", "")}
    shown = request.args.get("show", "")
    if shown == "over":
        args["over"] = True
    elif shown == "invalid":
        args["valid"] = False
    own = current_user.firm_id if current_user.role == Role.FIRM else None
    listing = paginate(services.results_query(args, own), 1, 50, request.args.get("cursor") or None)
    stations = db.session.scalars(
        select(RoadsideStation).where(RoadsideStation.kind == "remote_sensing").order_by(RoadsideStation.code)
    ).all()
    return render_template("sensing/results.html", listing=listing, form=request.args, stations=stations,
                           firm_view=own is not None)  # fmt: skip


@bp.route("/import", methods=["GET", "POST"])
@page_roles(*EDITORS)
def import_file():
    """A station software's export: pick the station, the file; each good line kept, each bad one named."""
    stations = db.session.scalars(
        select(RoadsideStation).where(RoadsideStation.kind == "remote_sensing").order_by(RoadsideStation.code)
    ).all()
    report, errors = None, None
    if request.method == "POST":
        station = db.session.get(RoadsideStation, request.form.get("station_id", type=int) or 0)
        upload = request.files.get("file")

        def run():
            if station is None or station.kind != "remote_sensing":
                raise DomainError(t("请选择遥感监测点", "choose the station"), "station_id")
            if upload is None or not upload.filename:
                raise DomainError(t("请选择文件", "choose the file"), "file")
            mapping = db.session.get(SensingMapping, station.mapping_id) if station.mapping_id else None
            return services.import_results(station, upload.read(), upload.filename, mapping)

        report, errors = submit(run)
    page = render_template("sensing/import.html", stations=stations, report=report, errors=errors,
                           entered=request.form)  # fmt: skip
    return page, 422 if errors else 200


def _columns(form) -> dict:
    """Each field's headers as the vendor's file writes them (several separated by | or 、)."""
    columns = {}
    for field in HEADERS:
        text = form.get(f"col_{field}", "").replace("、", "|")
        headers = [h.strip()[:60] for h in text.split("|") if h.strip()]
        if headers:
            columns[field] = headers
    if not columns:
        raise DomainError(t("请至少填写一个字段的表头", "give at least one field's header"), "columns")
    return columns


@bp.route("/mappings", methods=["GET", "POST"])
@page_roles(*EDITORS)
def mappings():
    """Each vendor's headers for the product's fields, kept as data; a new vendor is a new mapping."""
    errors = None
    if request.method == "POST":
        mapping = db.session.get(SensingMapping, request.form.get("mapping_id", type=int) or 0)
        if request.form.get("mapping_id") and mapping is None:
            abort(404)

        def save():
            name = request.form.get("name", "").strip()[:100]
            if not name:
                raise DomainError(t("请填写映射名称", "give the mapping a name"), "name")
            data = {"name": name, "vendor": request.form.get("vendor", "").strip()[:100] or name,
                    "columns": _columns(request.form),
                    "time_format": request.form.get("time_format", "").strip()[:40] or None}  # fmt: skip
            return services.save_mapping(current_user, data, mapping)

        saved, errors = submit(save)
        if errors is None:
            flash(t(f"列映射“{saved.name}”已保存", f"Mapping '{saved.name}' saved"))
            return redirect(url_for(".mappings"))
    found = db.session.scalars(select(SensingMapping).order_by(SensingMapping.name)).all()
    page = render_template("sensing/mappings.html", mappings=found, fields=HEADERS, entered=request.form,
                           errors=errors)  # fmt: skip
    return page, 422 if errors else 200
