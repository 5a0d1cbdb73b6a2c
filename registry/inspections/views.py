"""Pages: the bureau's sampled inspections (抽查核验): start one, check each sampled row with the
firm's delivery per gate and day beside it, close it, print its record."""

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import EDITORS
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.forms import submit
from registry.common.i18n import t
from registry.extensions import db
from registry.firms.services import firm_named
from registry.gates.delivery import delivery
from registry.gates.models import Gate
from registry.inspections import services
from registry.inspections.models import FirmInspection
from registry.inspections.schemas import FirmInspectionInputSchema, InspectionCloseSchema, InspectionItemInputSchema
from registry.pictures.uploads import send_photo, stored_file

bp = Blueprint("inspection_pages", __name__, url_prefix="/inspections")
READERS = (*EDITORS, Role.FIRM)
DELIVERY_DAYS = 31  # the inspection view shows the period's last month of delivery, day by day


@bp.get("")
@page_roles(*EDITORS)
def index(errors=None, form=None, status=200):
    recent = db.session.scalars(select(FirmInspection).order_by(FirmInspection.id.desc()).limit(50)).all()
    return render_template("inspections/index.html", inspections=recent, form=form or {}, errors=errors), status


@bp.post("")
@page_roles(*EDITORS)
def start():
    form = {key: request.form.get(key, "").strip() for key in ("firm", "period_start", "period_end", "sample_size")}
    fields = {key: value for key, value in form.items() if value and key != "firm"}
    inspection, errors = submit(
        lambda: services.open_inspection(
            current_user, firm_named(form["firm"]), FirmInspectionInputSchema().load(fields)
        )
    )
    if errors:
        return index(errors, form, 422)
    flash(t(f"已抽取 {len(inspection.items)} 条台账记录", f"{len(inspection.items)} ledger rows drawn"))
    return redirect(url_for(".show", inspection_id=inspection.id))


def completeness(inspection: FirmInspection) -> list:
    """The firm's delivery per gate and day (HJ 1321-2023: >= 95 %) over the period's last month."""
    codes = db.session.scalars(select(Gate.code).where(Gate.firm_id == inspection.firm_id)).all()
    if not codes:
        return []
    first = max(inspection.period_start, inspection.period_end - timedelta(days=DELIVERY_DAYS - 1))
    target = current_app.config["DELIVERY_TARGET_PERMILLE"] / 1000
    return delivery(first, inspection.period_end, target, list(codes))


@bp.get("/<int:inspection_id>")
@page_roles(*READERS)
def show(inspection_id, errors=None, status=200, close_form=None):
    inspection = services.visible_inspection(current_user, inspection_id)
    return render_template(
        "inspections/show.html",
        i=inspection,
        days=completeness(inspection),
        errors=errors or {},
        may_edit=current_user.role in EDITORS,
        close_form=close_form or {},
    ), status


@bp.post("/<int:inspection_id>/items/<int:item_id>")
@page_roles(*EDITORS)
def check(inspection_id, item_id):
    inspection = services.get_inspection(inspection_id)
    item = services.get_item(inspection, item_id)
    answers = {"yes": True, "no": False}
    fields = {
        "record_complete": answers.get(request.form.get("record_complete", "")),
        "stage_correct": answers.get(request.form.get("stage_correct", "")),
        "stage_seen": request.form.get("stage_seen") or None,
        "note": request.form.get("note", "").strip() or None,
    }
    if fields["record_complete"] is None:
        return show(
            inspection_id,
            {item.id: {"record_complete": [t("请选择记录是否完整", "Say whether the record is complete")]}},
            422,
        )
    photo = request.files.get("photo")
    data = photo.read() if photo else b""

    def record():
        services.record_item(current_user, item, InspectionItemInputSchema().load(fields))
        if data:
            services.add_photo(current_user, item, data)

    _, errors = submit(record)
    if errors:
        return show(inspection_id, {item.id: errors}, 422)
    flash(t(f"第 {item.position} 条已记录", f"Record {item.position} saved"))
    return redirect(url_for(".show", inspection_id=inspection_id, _anchor=f"item-{item.position}"))


@bp.post("/<int:inspection_id>/close")
@page_roles(*EDITORS)
def close(inspection_id):
    inspection = services.get_inspection(inspection_id)
    fields = {
        "result": request.form.get("result", ""),
        "conclusion": request.form.get("conclusion", "").strip() or None,
    }
    _, errors = submit(
        lambda: services.close_inspection(current_user, inspection, **InspectionCloseSchema().load(fields))
    )
    if errors:
        return show(inspection_id, {"close": errors}, 422, fields)
    flash(t("抽查核验已办结", "The inspection is closed"))
    return redirect(url_for(".show", inspection_id=inspection_id))


@bp.get("/<int:inspection_id>/close")
@page_roles(*READERS)
def close_page(inspection_id):
    """The address the close form posts to, opened again (a reload, a bookmark): the inspection's page."""
    return redirect(url_for(".show", inspection_id=inspection_id, _anchor="close"))


@bp.get("/<int:inspection_id>/record")
@page_roles(*READERS)
def record_sheet(inspection_id):
    """The printable inspection record (抽查核验记录)."""
    inspection = services.visible_inspection(current_user, inspection_id)
    reproduced = services.redraw(inspection) == sorted(item.plate_event_id for item in inspection.items)
    return render_template(
        "inspections/record.html", i=inspection, days=completeness(inspection), reproduced=reproduced
    )


@bp.get("/<int:inspection_id>/photos/<int:photo_id>")
@page_roles(*READERS)
def photo(inspection_id, photo_id):
    inspection = services.visible_inspection(current_user, inspection_id)
    small = request.args.get("thumbnail") == "1"
    path, content_type = stored_file(services.photo_of(inspection, photo_id), small)
    return send_photo(path, content_type, small)
