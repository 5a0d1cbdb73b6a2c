"""Pages: 限行区域 — the zones, drawing one on the map (a click a corner) with its rule, and the permits
(电子通行证, 豁免) issued and revoked by the police or the bureau, each audited."""

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from registry.accounts.auth import EDITORS, READERS
from registry.accounts.views import page_roles
from registry.audit.services import history_of
from registry.common.errors import DomainError
from registry.common.forms import flash_errors, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.common.time import today_local
from registry.extensions import db
from registry.gates.models import Gate
from registry.labels import labels_of
from registry.roadmap.services import roadside_map
from registry.zones import services
from registry.zones.geometry import parse_polygon

bp = Blueprint("zone_pages", __name__, url_prefix="/zones")
LEVELS = ("yellow", "orange", "red")
HISTORY_FIELDS = (  # (field, title, the label kind of its codes)
    ("name", ("区域名称", "Name"), None), ("clause", ("限行依据", "Notice"), None),
    ("polygon", ("区域顶点", "Corners"), None), ("roads", ("涉及道路", "Roads"), None),
    ("season_from", ("季节起", "Season from"), None), ("season_to", ("季节止", "Season to"), None),
    ("hours_from", ("每日起", "Daily from"), None), ("hours_to", ("每日止", "Daily to"), None),
    ("alert_levels", ("预警级别", "Alert levels"), "alert_level"),
    ("vehicle_classes", ("车辆类型", "Vehicle classes"), "vehicle_class"),
    ("max_stage", ("限行阶段及以下", "Banned at and below"), "stage"), ("fuel_types", ("燃料", "Fuels"), "fuel"),
    ("origin", ("号牌归属", "Plate origin"), "zone_origin"),
    ("local_prefixes", ("本地号牌前缀", "Local prefixes"), None),
    ("effective_from", ("生效日期", "Effective from"), None), ("effective_to", ("失效日期", "Effective to"), None),
    ("active", ("启用", "Active"), None), ("checkpoints", ("执行卡口", "Checkpoints"), None),
)  # fmt: skip


@bp.get("")
@page_roles(*READERS)
def index():
    """Every zone with its window, criteria and checkpoints."""
    return render_template("zones/index.html", zones=services.zones(), drawn=roadside_map(),
                           may_edit=current_user.role in EDITORS)  # fmt: skip


def _day(name: str, required: bool = True):
    text = request.form.get(name, "").strip()
    if not text and not required:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(t("日期格式应为 YYYY-MM-DD", "a date is YYYY-MM-DD"), name) from None


def _zone_form() -> dict:
    form = request.form
    roads_only = not form.get("polygon", "").strip() and form.get("roads", "").strip()
    try:
        polygon = [] if roads_only else parse_polygon(form.get("polygon", ""))
    except ValueError as exc:
        raise DomainError(t(*str(exc).split(" / ", 1)), "polygon") from None
    name = form.get("name", "").strip()[:100]
    if not name:
        raise DomainError(t("请填写区域名称", "give the zone a name"), "name")
    clause = form.get("clause", "").strip()[:300]
    if not clause:
        raise DomainError(t("请填写限行依据（通告及条款）", "give the notice and article the ban rests on"), "clause")
    auto = form.get("checkpoints_auto") == "1"
    return {
        "name": name, "clause": clause, "polygon": polygon,
        "roads": [line.strip()[:100] for line in form.get("roads", "").splitlines() if line.strip()][:50],
        "season_from": form.get("season_from", "").strip() or None,
        "season_to": form.get("season_to", "").strip() or None,
        "hours_from": form.get("hours_from", "").strip() or None, "hours_to": form.get("hours_to", "").strip() or None,
        "alert_levels": [level for level in LEVELS if level in form.getlist("alert_levels")],
        "vehicle_classes": [code for code, _ in labels_of("vehicle_class") if code in form.getlist("vehicle_classes")],
        "max_stage": form.get("max_stage") or None,
        "fuel_types": [code for code, _ in labels_of("fuel") if code in form.getlist("fuel_types")],
        "origin": form.get("origin") if form.get("origin") in ("transit", "local", "any") else "transit",
        "local_prefixes": [p.strip().upper() for p in form.get("local_prefixes", "").replace("，", ",").split(",")
                           if p.strip()][:20],
        "effective_from": _day("effective_from"), "effective_to": _day("effective_to", required=False),
        "active": form.get("active") == "1",
        "checkpoint_ids": None if auto else [int(i) for i in form.getlist("checkpoints") if i.isdigit()],
    }  # fmt: skip


def _editor(zone, errors=None, status=200):
    checkpoints = db.session.scalars(db.select(Gate).where(Gate.kind == "checkpoint").order_by(Gate.name)).all()
    if request.method == "POST":
        form = request.form
        chosen = {int(i) for i in form.getlist("checkpoints") if i.isdigit()}
    elif zone is not None:
        form = _as_form(zone)
        chosen = {g.id for g in zone.checkpoints}
    else:
        form = {"effective_from": today_local().isoformat(), "origin": "transit", "active": "1", "max_stage": "4",
                "season_from": "10-01", "season_to": "03-31", "hours_from": "20:00", "hours_to": "08:00",
                "checkpoints_auto": "1", "local_prefixes": current_app.config["LOCAL_PLATE_PREFIXES"]}  # fmt: skip
        chosen = set()
    page = render_template(
        "zones/edit.html", zone=zone, form=form, errors=errors, drawn=roadside_map(), checkpoints=checkpoints,
        chosen=chosen, classes=labels_of("vehicle_class"), fuels=labels_of("fuel"), stages=labels_of("stage"),
        history=history_of("restriction_zone", zone.id) if zone else [], getlist=_getlist(form),
        history_fields=[(name, t(*title), kind) for name, title, kind in HISTORY_FIELDS],
    )  # fmt: skip
    return page, status


def _getlist(form):
    """A form's list of values by name: a submitted form's, or a zone's lists as the editor shows them."""

    def values(name):
        if hasattr(form, "getlist"):
            return form.getlist(name)
        return form.get(name, [])

    return values


def _as_form(zone) -> dict:
    return {
        "name": zone.name, "clause": zone.clause, "polygon": "；".join(f"{lon},{lat}" for lon, lat in zone.polygon),
        "roads": "\n".join(zone.roads or []), "season_from": zone.season_from or "", "season_to": zone.season_to or "",
        "hours_from": zone.hours_from or "", "hours_to": zone.hours_to or "", "alert_levels": zone.alert_levels,
        "vehicle_classes": zone.vehicle_classes, "max_stage": zone.max_stage or "", "fuel_types": zone.fuel_types,
        "origin": zone.origin, "local_prefixes": ", ".join(zone.local_prefixes or []),
        "effective_from": zone.effective_from.isoformat(),
        "effective_to": zone.effective_to.isoformat() if zone.effective_to else "",
        "active": "1" if zone.active else "",
    }  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@page_roles(*EDITORS)
def new():
    """Draw a zone: click its corners on the map (or type them), then its hours and criteria."""
    if request.method == "POST":
        zone, errors = submit(lambda: services.save_zone(current_user, _zone_form()))
        if errors is None:
            flash(t(f"限行区域“{zone.name}”已保存，{len(zone.checkpoints)} 个卡口执行",
                    f"Zone '{zone.name}' saved; {len(zone.checkpoints)} checkpoints enforce it"))  # fmt: skip
            return redirect(url_for(".edit", zone_id=zone.id))
        return _editor(None, errors, 422)
    return _editor(None)


@bp.route("/<int:zone_id>", methods=["GET", "POST"])
@page_roles(*READERS)
def edit(zone_id):
    zone = services.get_zone(zone_id)
    if request.method == "POST":
        if current_user.role not in EDITORS:
            abort(403)
        _, errors = submit(lambda: services.save_zone(current_user, _zone_form(), zone))
        if errors is None:
            flash(t("限行区域已保存", "Zone saved"))
            return redirect(url_for(".edit", zone_id=zone.id))
        return _editor(services.get_zone(zone_id), errors, 422)
    return _editor(zone)


@bp.route("/permits", methods=["GET", "POST"])
@page_roles(*READERS)
def permits():
    """Permits (current by default) and the form that issues one."""
    errors = None
    if request.method == "POST":
        data = {
            "kind": request.form.get("kind") if request.form.get("kind") in ("pass", "exemption") else "pass",
            "plate": request.form.get("plate", ""), "zone_id": request.form.get("zone_id", type=int),
            "route": request.form.get("route", "").strip()[:500] or None,
            "reason": request.form.get("reason", "").strip()[:500],
            "hours_from": request.form.get("hours_from", "").strip() or None,
            "hours_to": request.form.get("hours_to", "").strip() or None,
        }  # fmt: skip

        def issue():
            if not data["reason"]:
                raise DomainError(t("请填写事由", "give the reason"), "reason")
            data["valid_from"], data["valid_to"] = _day("valid_from"), _day("valid_to")
            return services.issue_permit(current_user, data)

        permit, errors = submit(issue)
        if errors is None:
            flash(t(f"已签发 {permit.number}（{permit.plate}）", f"Issued {permit.number} ({permit.plate})"))
            return redirect(url_for(".permits"))
    args = {"plate": request.args.get("plate", ""), "status": request.args.get("status", "current")}
    listing = paginate(services.permits_query(args), 1, 50, request.args.get("cursor") or None)
    today = today_local()
    entered = (
        request.form
        if request.method == "POST"
        else {"valid_from": today.isoformat(), "valid_to": (today + timedelta(days=30)).isoformat(), "kind": "pass"}
    )
    page = render_template("zones/permits.html", listing=listing, zones=services.zones(), form=request.args,
                           entered=entered, errors=errors)  # fmt: skip
    return page, 422 if errors else 200


@bp.post("/permits/<int:permit_id>/revoke")
@page_roles(*READERS)
def revoke(permit_id):
    permit = services.get_permit(permit_id)
    _, errors = submit(lambda: services.revoke_permit(current_user, permit, request.form.get("reason", "")))
    if errors:
        flash_errors(errors)
    else:
        flash(t(f"{permit.number} 已撤销", f"{permit.number} revoked"))
    return redirect(url_for(".permits"))
