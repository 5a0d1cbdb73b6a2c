"""Pages: 远程排放监控. The alarm list by kind, firm and fleet; the terminals, registered by VIN by the
bureau or the firm whose truck it is; a truck's day (its figures, a chart of speed, NOx before and after
the SCR, SCR temperature and urea level, and its track). A firm user sees its own trucks only."""

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from registry.accounts.auth import EDITORS, FIRM_READERS
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.forms import flash_errors, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.common.time import utcnow
from registry.extensions import db
from registry.firms.models import Firm
from registry.labels import labels_of
from registry.obd import services
from registry.obd.drawing import chart, track
from registry.obd.samples import per_minute
from registry.vehicles.models import Vehicle

bp = Blueprint("obd_pages", __name__, url_prefix="/obd")
NOX = ("nox_upstream", "nox_downstream")
SERIES = ("speed", "nox_upstream", "nox_downstream", "scr_inlet_temperature", "urea_level")


def _filters() -> dict:
    args = {key: request.args.get(key, "").strip()[:60] for key in ("status", "kind", "fleet", "plate")}
    args["firm_id"] = request.args.get("firm", type=int)
    return {key: value for key, value in args.items() if value}


@bp.get("")
@page_roles(*FIRM_READERS)
def alarms():
    """Open alarms (or all, or closed), newest first, by kind, firm, fleet or plate."""
    args = _filters()
    listing = paginate(services.alarms_query(current_user, args), 1, 50, request.args.get("cursor") or None)
    trucks = services.trucks_of({alarm.vin for alarm in listing["items"]})
    firms = [] if current_user.role == Role.FIRM else db.session.scalars(db.select(Firm).order_by(Firm.name)).all()
    days = services.silent_days()
    return render_template(
        "obd/alarms.html", listing=listing, trucks=trucks, form=request.args, firms=firms,
        counts=services.open_alarm_counts(current_user), kinds=labels_of("obd_alarm"), silent_days=days,
        silent=services.silent_terminals(current_user, days), may_close=current_user.role in EDITORS,
    )  # fmt: skip


@bp.route("/terminals", methods=["GET", "POST"])
@page_roles(*FIRM_READERS)
def terminals():
    """The terminals heard from or registered; register one by its truck's VIN."""
    errors = None
    if request.method == "POST":
        if current_user.role not in (*EDITORS, Role.FIRM):
            abort(403)
        terminal, errors = submit(lambda: services.register_terminal(current_user, request.form.get("vin", "")))
        if errors is None:
            flash(t(f"已登记远程排放终端 {terminal.vin}", f"Terminal {terminal.vin} registered"))
            return redirect(url_for("obd_pages.terminals"))
    registered = {"yes": True, "no": False}.get(request.args.get("registered", ""))
    args = {"registered": registered, "vin": request.args.get("vin", ""), "plate": request.args.get("plate", "")}
    listing = paginate(services.terminals_query(current_user, args), 1, 50, request.args.get("cursor") or None)
    vehicles = {v.id: v for v in db.session.scalars(
        db.select(Vehicle).where(Vehicle.id.in_({x.vehicle_id for x in listing["items"] if x.vehicle_id}))
    )}  # fmt: skip
    page = render_template("obd/terminals.html", listing=listing, vehicles=vehicles, form=request.args,
                           entered=request.form, errors=errors)  # fmt: skip
    return page, 422 if errors else 200


@bp.get("/trucks/<int:vehicle_id>")
@page_roles(*FIRM_READERS)
def truck(vehicle_id):
    """A truck's remote emission data: its state, its open alarms, and a day drawn."""
    vehicle = db.session.get(Vehicle, vehicle_id)
    if vehicle is None or not services.may_see(current_user, vehicle):
        abort(404)
    terminal = services.terminal_of(vehicle)
    if terminal is None:
        return render_template("obd/truck.html", v=vehicle, terminal=None, alarms=[], day=None, charts=[], path=None)
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = None  # the newest data's
    drawn = services.truck_day(terminal, day, current_app.config["OBD_DATA_LAYOUT"])
    rows = per_minute(drawn.samples, SERIES)
    charts = [
        chart(rows, t("车速（km/h）", "Speed (km/h)"), ("speed",)),
        chart(rows, t("NOx：SCR 上游 / 下游（ppm）", "NOx before / after the SCR (ppm)"), NOX),
        chart(rows, t("SCR 入口温度（°C）", "SCR inlet temperature (°C)"), ("scr_inlet_temperature",)),
        chart(rows, t("尿素液位（%）", "Urea level (%)"), ("urea_level",)),
    ]  # fmt: skip
    days = services.silent_days()
    silent = terminal.last_collected_at is None or terminal.last_collected_at < utcnow() - timedelta(days=days)
    return render_template(
        "obd/truck.html", v=vehicle, terminal=terminal, alarms=services.open_alarms_of(terminal.vin), day=drawn,
        charts=[c for c in charts if c], path=track(drawn.samples), silent=silent, silent_days=days,
    )  # fmt: skip


@bp.post("/alarms/<int:alarm_id>/close")
@page_roles(*EDITORS)
def close(alarm_id):
    """The bureau closes an alarm with what it checked (a removal alarm is closed only so)."""
    _, errors = submit(lambda: services.close_alarm(current_user, alarm_id, request.form.get("note", "")))
    if errors:
        flash_errors(errors)
    else:
        flash(t("报警已消除，核查情况已记录", "Alarm closed; what was checked is recorded"))
    return redirect(request.referrer or url_for("obd_pages.alarms"))
