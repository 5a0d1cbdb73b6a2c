"""Pages: the register of trucks (车辆) — find by plate, VIN or fleet; open one with its documents, stage
history, last passes and cases; register or change one; import a spreadsheet with a line-by-line report."""

import csv
import io
from collections import Counter

import marshmallow as ma
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from registry.accounts.auth import EDITORS, READERS
from registry.accounts.views import page_roles
from registry.audit.services import history_of
from registry.common.exports import Column, csv_response
from registry.common.forms import flatten, form_value, in_reader_language, picked, submit
from registry.common.i18n import t
from registry.common.pagination import EMPTY_PAGE, paginate
from registry.common.text import decode_spreadsheet_text
from registry.documents.services import current, documents_of
from registry.extensions import db
from registry.firms.models import Firm
from registry.firms.services import firm_named
from registry.timeline.services import story
from registry.vehicles import services
from registry.vehicles.importing import CHINESE_HEADERS, header_problem, import_vehicles
from registry.vehicles.schemas import VehicleInputSchema, VehicleQueryArgsSchema, VehicleUpdateSchema

bp = Blueprint("vehicle_pages", __name__, url_prefix="/vehicles")

FIELDS = tuple(VehicleInputSchema().fields)
HISTORY_FIELDS = (
    ("plate", ("号牌号码", "Plate"), None),
    ("plate_color", ("号牌颜色", "Plate colour"), "plate_colour"),
    ("vin", ("车辆识别代号", "VIN"), None),
    ("engine_no", ("发动机号码", "Engine number"), None),
    ("emission_stage", ("排放阶段", "Emission stage"), "stage"),
    ("stage_source", ("阶段来源", "Stage source"), "stage_source"),
    ("fuel_type", ("燃料类型", "Fuel"), "fuel"),
    ("registration_date", ("注册登记日期", "Registration date"), None),
    ("vehicle_class", ("车辆类型", "Class"), "vehicle_class"),
    ("owner", ("车主或车队", "Owner or fleet"), None),
    ("firm_id", ("登记企业编号", "Registering firm (id)"), None),
)
# A page import is done within one request; a larger file goes through `flask vehicles import`.
MAX_IMPORT_ROWS = 5000


@bp.context_processor
def column_titles():
    titles = {name: title for name, title, _ in HISTORY_FIELDS}
    return {"column_title": lambda column: t(*titles[column]) if column in titles else column}


def _vehicle_form() -> dict:
    """The form as VehicleInputSchema takes it: the registering firm named by the firm picker."""
    form = {k: v.strip() for k, v in request.form.items() if k in FIELDS and v.strip()}
    firm = request.form.get("firm", "").strip()
    if firm:
        form["firm_id"] = firm_named(firm).id
    return form


@bp.get("")
@page_roles(*READERS)
def index():
    """Trucks by plate; the box finds by the start of a plate or VIN, or part of the fleet's name."""
    raw = {k: v for k, v in request.args.items() if v and k not in ("page", "cursor", "q", "firm")}
    try:
        args, errors = VehicleQueryArgsSchema().load(raw), None
    except ma.ValidationError as exc:
        args, errors = {}, flatten(exc.messages)
    args["q"] = request.args.get("q", "").strip()[:100]
    firm = db.session.get(Firm, request.args.get("firm", type=int) or 0)
    args["firm_id"] = firm.id if firm else None
    cursor = request.args.get("cursor") or None
    listing = EMPTY_PAGE if errors else paginate(services.vehicles_query(args), 1, 50, cursor)
    page = render_template("vehicles/index.html", listing=listing, form=request.args, errors=errors, firm=firm)
    return page, 422 if errors else 200


@bp.route("/new", methods=["GET", "POST"])
@page_roles(*EDITORS)
def new():
    errors, form = None, {}
    if request.method == "POST":
        form = dict(request.form)
        vehicle, errors = submit(
            lambda: services.create_vehicle(current_user, VehicleInputSchema().load(_vehicle_form()))
        )
        if not errors:
            flash(t(f"车辆 {vehicle.plate} 已登记", f"Truck {vehicle.plate} registered"))
            return redirect(url_for(".show", vehicle_id=vehicle.id))
    return render_template("vehicles/form.html", vehicle=None, form=form, errors=errors), 422 if errors else 200


@bp.route("/<int:vehicle_id>/edit", methods=["GET", "POST"])
@page_roles(*EDITORS)
def edit(vehicle_id):
    vehicle = services.get_vehicle(vehicle_id)
    form = {k: form_value(getattr(vehicle, k)) for k in FIELDS}
    form["firm"] = picked(db.session.get(Firm, vehicle.firm_id) if vehicle.firm_id else None)
    errors = None
    if request.method == "POST":
        form = dict(request.form)

        def change():
            data = _vehicle_form()
            for key in ("vin", "engine_no", "emission_stage", "registration_date", "owner", "firm_id"):
                data.setdefault(key, None)  # an emptied field clears the value
            return services.update_vehicle(current_user, vehicle, VehicleUpdateSchema(partial=True).load(data))

        _, errors = submit(change)
        if not errors:
            flash(t(f"车辆 {vehicle.plate} 已保存，变更记录已留存", f"Truck {vehicle.plate} saved"))
            return redirect(url_for(".show", vehicle_id=vehicle.id))
    return render_template("vehicles/form.html", vehicle=vehicle, form=form, errors=errors), 422 if errors else 200


@bp.get("/<int:vehicle_id>")
@page_roles(*READERS)
def show(vehicle_id):
    vehicle = services.get_vehicle(vehicle_id)
    documents = documents_of(vehicle)
    entries = story(vehicle)
    return render_template(
        "vehicles/show.html",
        v=vehicle,
        firm=db.session.get(Firm, vehicle.firm_id) if vehicle.firm_id else None,
        documents=current(documents),
        story=entries,
        story_counts=Counter(e.kind for e in entries),
        cases=services.recent_cases(vehicle),
        history=history_of("vehicle", vehicle.id),
        history_fields=[(name, t(*title), kind) for name, title, kind in HISTORY_FIELDS],
        may_edit=current_user.role in EDITORS,
    )


@bp.route("/import", methods=["GET", "POST"])
@page_roles(*EDITORS)
def import_file():
    """A CSV of trucks, checked row by row: all or nothing, or the valid rows with the rest reported."""
    if request.method == "GET":
        return render_template("vehicles/import.html", report=None, problem=None, form={})
    form = {"partial": request.form.get("partial") == "on", "update": request.form.get("update") == "on"}
    rows, problem = _uploaded_rows(request.files.get("file"))
    if problem:
        return render_template("vehicles/import.html", report=None, problem=problem, form=form), 422
    report = import_vehicles(current_user, rows, form["partial"], form["update"])
    stored = not report.errors or form["partial"]
    if stored:
        db.session.commit()
    else:
        db.session.rollback()
    page = render_template("vehicles/import.html", report=report, stored=stored, problem=None, form=form)
    return page, 200 if stored else 422


def _uploaded_rows(upload) -> tuple[list, str | None]:
    """The file's rows with their line numbers, or why it cannot be read (in the reader's language)."""
    if not upload or not upload.filename:
        return [], t("请选择 CSV 文件（UTF-8 或 GBK 编码）", "Choose a CSV file (UTF-8 or GBK)")
    text = decode_spreadsheet_text(upload.read())
    if text is None:
        return [], t("无法识别文件编码（应为 UTF-8 或 GBK 的 CSV 文件）", "Not a CSV file in UTF-8 or GBK")
    try:
        reader = csv.DictReader(io.StringIO(text))
        problem = header_problem(reader.fieldnames or [])
        rows = [] if problem else list(enumerate(reader, start=2))
    except csv.Error as exc:
        return [], t(f"CSV 格式有误：{exc}", f"Not a readable CSV file: {exc}")
    if problem:
        return [], in_reader_language(problem)
    if len(rows) > MAX_IMPORT_ROWS:
        return [], t(
            f"一次最多导入 {MAX_IMPORT_ROWS} 行，请拆分文件",
            f"At most {MAX_IMPORT_ROWS} rows at a time: split the file",
        )
    return rows, None


@bp.get("/import/template.csv")
@page_roles(*EDITORS)
def import_template():
    """A file to fill in: the headings the import reads (Chinese, or the API's names in English) and an
    example row."""
    columns = [Column(heading, field) for heading, field in CHINESE_HEADERS.items()]
    example = ["晋H12345", t("黄牌", "yellow"), "LFWSRXSJ5M1A00001", "E123456", t("国六", "6"), "", t("柴油", "diesel"),
               "2022-03-01", t("重型货车", "heavy_truck"), "某某运输车队", ""]  # fmt: skip
    return csv_response(t("车辆导入模板.csv", "truck-import-template.csv"), columns, [example], complete_line=False)
