"""Pages: a vehicle's documents beside its fields, their upload, and the review of its stage."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import EDITORS, FIRM_READERS
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.forms import form_value, submit
from registry.common.i18n import t
from registry.documents import services
from registry.documents.models import DocumentKind
from registry.documents.schemas import StageReviewSchema
from registry.documents.services import REVIEWED
from registry.extensions import db
from registry.identifiers.plates import normalise_plate
from registry.pictures.uploads import send_photo, stored_file
from registry.vehicles.models import Vehicle

bp = Blueprint("document_pages", __name__, url_prefix="/vehicles")


@bp.get("/documents")
@page_roles(*EDITORS, Role.POLICE, Role.FIRM)
def find():
    """A vehicle by its plate, to see or add its documents."""
    plate = normalise_plate(request.args.get("plate", ""))
    if plate:
        vehicle = db.session.scalar(select(Vehicle).where(Vehicle.plate == plate))
        if vehicle is not None and services.may_see(current_user, vehicle):
            return redirect(url_for(".vehicle", vehicle_id=vehicle.id))
        return render_template("documents/find.html", plate=plate, missing=True), 404
    return render_template("documents/find.html", plate="", missing=False)


@bp.get("/<int:vehicle_id>/documents")
@page_roles(*FIRM_READERS)
def vehicle(vehicle_id, errors=None, form=None, status=200):
    truck = services.vehicle_for(current_user, vehicle_id)
    shown = form or {key: form_value(getattr(truck, key)) for key in REVIEWED}
    documents = services.documents_of(truck)
    return render_template(
        "documents/vehicle.html",
        v=truck,
        current=services.current(documents),
        documents=documents,
        form=shown,
        errors=errors,
        may_upload=services.may_upload(current_user, truck),
        may_review=services.may_review(current_user, truck),
    ), status


@bp.post("/<int:vehicle_id>/documents")
@page_roles(*EDITORS, Role.FIRM)
def upload(vehicle_id):
    truck = services.vehicle_for(current_user, vehicle_id)
    chosen = {kind: request.files[kind.value] for kind in DocumentKind if request.files.get(kind.value)}
    if not chosen:
        return vehicle(vehicle_id, {"_": [t("请选择或拍摄证件照片", "Choose or take a photo")]}, None, 422)
    errors = {}
    for kind, file in chosen.items():
        data = file.read()
        _, failed = submit(lambda kind=kind, data=data: services.add_document(current_user, truck, kind, data))
        if failed:
            errors[kind.value] = [message for messages in failed.values() for message in messages]
    if errors:
        return vehicle(vehicle_id, errors, None, 422)
    flash(t(f"已上传 {len(chosen)} 张证件照片，待审核", f"{len(chosen)} photo(s) uploaded, awaiting review"))
    return redirect(url_for(".vehicle", vehicle_id=vehicle_id))


@bp.post("/<int:vehicle_id>/stage-review")
@page_roles(*EDITORS, Role.FIRM)
def review(vehicle_id):
    truck = services.vehicle_for(current_user, vehicle_id)
    form = {key: request.form.get(key, "").strip() for key in (*REVIEWED, "note")}
    decision = "rejected" if "reject" in request.form else "verified"
    fields = {k: v for k, v in form.items() if v} if decision == "verified" else {"note": form["note"]}
    _, errors = submit(
        lambda: services.review_stage(current_user, truck, StageReviewSchema().load(fields | {"decision": decision}))
    )
    if errors:
        return vehicle(vehicle_id, errors, form, 422)
    flash(
        t("排放阶段已核实", "Stage verified")
        if decision == "verified"
        else t("已标记证件不符", "Marked as not matching")
    )
    return redirect(url_for(".vehicle", vehicle_id=vehicle_id))


@bp.get("/<int:vehicle_id>/documents/<int:document_id>")
@page_roles(*FIRM_READERS)
def picture(vehicle_id, document_id):
    document = services.document_of(services.vehicle_for(current_user, vehicle_id), document_id)
    small = request.args.get("thumbnail") == "1"
    path, content_type = stored_file(document, small)
    return send_photo(path, content_type, small)
