"""Pages: 疑似高排放车辆 — the list for the police's roadside checks (路检) with each truck's evidence, taken
off by a person who says what was checked; a firm sees which of its own trucks are on it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from registry.accounts.auth import FIRM_READERS, READERS
from registry.accounts.views import page_roles
from registry.common.forms import flash_errors, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.emitters import services
from registry.emitters.models import HighEmitter
from registry.extensions import db
from registry.vehicles.models import Vehicle

bp = Blueprint("emitter_pages", __name__, url_prefix="/roadside/emitters")


@bp.get("")
@page_roles(*FIRM_READERS)
def index():
    args = {"status": request.args.get("status", "listed"), "plate": request.args.get("plate", "")}
    listing = paginate(services.listings_query(args, current_user), 1, 50, request.args.get("cursor") or None)
    ids = {e.vehicle_id for e in listing["items"] if e.vehicle_id}
    vehicles = {v.id: v for v in db.session.scalars(select(Vehicle).where(Vehicle.id.in_(ids)))} if ids else {}
    return render_template("emitters/index.html", listing=listing, vehicles=vehicles, form=request.args,
                           may_clear=current_user.role in READERS)  # fmt: skip


@bp.post("/<int:listing_id>/clear")
@page_roles(*READERS)
def clear(listing_id):
    listing = db.session.get(HighEmitter, listing_id)
    if listing is None:
        abort(404)
    _, errors = submit(lambda: services.clear(current_user, listing, request.form.get("note", "")))
    if errors:
        flash_errors(errors)
    else:
        flash(t(f"{listing.plate} 已移出疑似高排放名单", f"{listing.plate} taken off the list"))
    return redirect(request.referrer or url_for(".index"))
