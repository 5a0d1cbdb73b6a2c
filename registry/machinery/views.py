"""Pages for machinery: a unit registers and follows its machines; the bureau reviews, codes and inspects."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.forms import form_value, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.common.time import with_local_offset
from registry.extensions import db
from registry.machinery import exports, inspections, photos, services
from registry.machinery.deadlines import is_overdue, registration_days
from registry.machinery.models import (
    MachineFuel,
    Machinery,
    MachineryStatus,
    MachineStage,
    MachineType,
    PhotoKind,
)
from registry.machinery.names import NAMES as name
from registry.machinery.names import history_name
from registry.machinery.schemas import (
    InspectionInputSchema,
    MachineryInputSchema,
    MachineryQueryArgsSchema,
    RejectSchema,
    RetireSchema,
    TransferSchema,
)
from registry.pictures.uploads import send_photo

bp = Blueprint("machinery_pages", __name__, url_prefix="/machinery")

OWNERS = (*services.BUREAU, Role.CONSTRUCTION)
VIEWERS = (*services.READERS, Role.CONSTRUCTION)
FORM_FIELDS = list(MachineryInputSchema().fields)
PAGING = ("page", "cursor")


@bp.app_context_processor
def machinery_names():
    return {
        "name": name,
        "is_overdue": is_overdue,
        "registration_days": registration_days,
        "history_name": history_name,
        "machine_types": list(MachineType),
        "fuels": list(MachineFuel),
        "stages": list(MachineStage),
        "photo_kinds": list(PhotoKind),
    }


def _form_data() -> dict:
    return {key: request.form.get(key, "") for key in FORM_FIELDS if key in request.form}


@bp.get("")
@page_roles(*VIEWERS)
def own_list():
    """A unit's own machines (with overdue flags); the bureau's and police's view of all."""
    args = MachineryQueryArgsSchema().load({k: v for k, v in request.args.items() if v and k not in PAGING})
    page = request.args.get("page", 1, type=int)
    cursor = request.args.get("cursor") or None
    listing = paginate(services.machinery_query(current_user, args), max(page, 1), 50, cursor)
    overdue = paginate(services.machinery_query(current_user, {"overdue": True}), 1, 1)["total"]
    return render_template("machinery/list.html", listing=listing, args=args, page=page, overdue=overdue)


@bp.get("/export.<any(csv, xlsx):fmt>")
@page_roles(*services.BUREAU)
def export(fmt):
    """The filtered list as a file, for the bureau."""
    args = MachineryQueryArgsSchema().load({k: v for k, v in request.args.items() if v and k not in PAGING})
    return exports.machinery_export(services.machinery_query(current_user, args), fmt)


@bp.get("/review")
@page_roles(*services.BUREAU)
def review_queue():
    """Pending registrations, oldest first, with the photos each still lacks."""
    query = services.machinery_query(current_user, {"status": MachineryStatus.PENDING})
    query = query.order_by(None).order_by(Machinery.id)
    page = request.args.get("page", 1, type=int)
    listing = paginate(query, max(page, 1), 50, request.args.get("cursor") or None)
    overdue = paginate(services.machinery_query(current_user, {"overdue": True}), 1, 1)["total"]
    return render_template("machinery/review.html", listing=listing, overdue=overdue, page=page)


@bp.route("/new", methods=["GET", "POST"])
@page_roles(*OWNERS)
def new():
    errors, form = None, {}
    if request.method == "POST":
        form = _form_data()
        machinery, errors = submit(lambda: services.register_machinery(current_user, _registration(form)))
        form["unit"] = request.form.get("unit", "")
        if not errors:
            flash(
                t("已提交登记，请上传三张照片后等待审核", "Registered: upload the three photos, then wait for review")
            )
            return redirect(url_for(".detail", machinery_id=machinery.id))
    return render_template("machinery/form.html", form=form, errors=errors, machinery=None), 422 if errors else 200


def _registration(form: dict) -> dict:
    """The machine as the form gives it; the bureau names its construction unit with the picker."""
    data = MachineryInputSchema().load(form)
    if services.is_bureau(current_user):
        data["unit_id"] = services.unit_named(request.form.get("unit", ""))
    return data


@bp.route("/<int:machinery_id>/edit", methods=["GET", "POST"])
@page_roles(*OWNERS)
def edit(machinery_id):
    machinery = services.get_machinery_for(current_user, machinery_id)
    errors, form = None, {key: form_value(getattr(machinery, key, None)) for key in FORM_FIELDS}
    if request.method == "POST":
        form = _form_data()
        _, errors = submit(
            lambda: services.update_machinery(current_user, machinery, MachineryInputSchema(partial=True).load(form))
        )
        if not errors:
            flash(t("已保存", "Saved"))
            return redirect(url_for(".detail", machinery_id=machinery.id))
    return render_template("machinery/form.html", form=form, errors=errors, machinery=machinery), 422 if errors else 200


@bp.get("/<int:machinery_id>")
@page_roles(*VIEWERS)
def detail(machinery_id, errors=None, status=200):
    machinery = services.get_machinery_for(current_user, machinery_id)
    return (
        render_template(
            "machinery/detail.html",
            m=machinery,
            missing=services.missing_photos(machinery),
            inspections=db.session.scalars(inspections.inspections_query(machinery).limit(20)).all(),
            errors=errors,
        ),
        status,
    )


@bp.post("/<int:machinery_id>/photos")
@page_roles(*OWNERS)
def upload_photo(machinery_id):
    """The three photos in one form, each in a file field named by its kind (a camera on a phone); or
    one photo as `kind` and `file`. Each good photo is kept; a bad one is named beside its field."""
    machinery = services.get_machinery_for(current_user, machinery_id)
    uploads = {k: request.files.get(k.value) for k in PhotoKind}
    if request.form.get("kind"):
        if request.form["kind"] not in {k.value for k in PhotoKind}:
            return detail(machinery_id, {"file": [t("请选择照片类别", "Choose which photo this is")]}, 422)
        uploads = {PhotoKind(request.form["kind"]): request.files.get("file")}
    chosen = {kind: upload for kind, upload in uploads.items() if upload is not None and upload.filename}
    if not chosen:
        return detail(machinery_id, {"file": [t("请选择或拍摄照片", "Choose or take a photo")]}, 422)
    errors, stored = {}, []
    for kind, upload in chosen.items():
        data = upload.read()
        _, failed = submit(lambda kind=kind, data=data: photos.add_photo(current_user, machinery, kind, data))
        if failed:
            errors[kind.value] = [message for messages in failed.values() for message in messages]
        else:
            stored.append(kind)
    if errors:
        if stored:
            flash(t(f"已上传 {len(stored)} 张照片", f"{len(stored)} photo(s) uploaded"))
        return detail(machinery_id, errors | ({"file": errors[next(iter(errors))]} if len(chosen) == 1 else {}), 422)
    flash(t(f"照片已上传（{len(stored)} 张）", f"Photo(s) uploaded ({len(stored)})"))
    return redirect(url_for(".detail", machinery_id=machinery_id))


@bp.get("/<int:machinery_id>/photos/<any(nameplate, engine_nameplate, label):kind>")
@page_roles(*VIEWERS, Role.FIRM)  # a firm: its own in-plant machines (the ledger's table 5 links here)
def photo(machinery_id, kind):
    machinery = services.get_machinery_for(current_user, machinery_id)
    small = request.args.get("thumbnail") == "1"
    path, content_type = photos.photo_file(machinery, kind, small)
    return send_photo(path, content_type, small)


def _act(machinery_id: int, action, done_zh: str, done_en: str):
    machinery = services.get_machinery_for(current_user, machinery_id)
    _, errors = submit(lambda: action(machinery))
    if errors:
        return detail(machinery_id, errors, 422)
    flash(t(done_zh, done_en))
    return redirect(url_for(".detail", machinery_id=machinery_id))


@bp.post("/<int:machinery_id>/approve")
@page_roles(*services.BUREAU)
def approve(machinery_id):
    return _act(
        machinery_id,
        lambda m: services.approve_machinery(current_user, m),
        "已通过审核并发放登记编码",
        "Approved: code issued",
    )


@bp.post("/<int:machinery_id>/reject")
@page_roles(*services.BUREAU)
def reject(machinery_id):
    reason = request.form.get("reason", "").strip()
    if not reason:
        return detail(machinery_id, {"reason": [t("请填写退回原因", "Give the reason")]}, 422)
    return _act(
        machinery_id,
        lambda m: services.reject_machinery(current_user, m, RejectSchema().load({"reason": reason})["reason"]),
        "已退回",
        "Rejected",
    )


@bp.post("/<int:machinery_id>/retire")
@page_roles(*OWNERS)
def retire(machinery_id):
    reason = request.form.get("reason", "").strip()
    if not reason:
        return detail(machinery_id, {"retire_reason": [t("请填写注销原因", "Give the reason")]}, 422)
    machinery = services.get_machinery_for(current_user, machinery_id)
    _, errors = submit(
        lambda: services.retire_machinery(current_user, machinery, RetireSchema().load({"reason": reason})["reason"])
    )
    if errors:
        return detail(machinery_id, {"retire_reason": errors.get("reason", []) + errors.get("_", [])}, 422)
    flash(t("已注销", "Retired"))
    return redirect(url_for(".detail", machinery_id=machinery_id))


@bp.post("/<int:machinery_id>/transfer")
@page_roles(*services.BUREAU)
def transfer(machinery_id):
    unit, note = request.form.get("unit", ""), request.form.get("note") or None
    return _act(
        machinery_id,
        lambda m: services.transfer_machinery(
            current_user, m, **TransferSchema().load({"unit_id": services.unit_named(unit), "note": note})
        ),
        "已转移",
        "Transferred",
    )


@bp.post("/<int:machinery_id>/inspect")
@page_roles(*services.BUREAU)
def inspect(machinery_id):
    form = {k: v for k, v in request.form.items() if k in InspectionInputSchema().fields and v != ""}
    if "inspected_at" in form:  # <input type=datetime-local> sends local time without an offset
        form["inspected_at"] = with_local_offset(form["inspected_at"])
    form["low_emission_zone"] = request.form.get("low_emission_zone") == "on"
    return _act(
        machinery_id,
        lambda m: inspections.record_inspection(current_user, m, InspectionInputSchema().load(form)),
        "已记录抽检结果",
        "Inspection recorded",
    )
