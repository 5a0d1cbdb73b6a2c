"""Pages: the bureau's register of firms (企业) — list, find, open, register, change — and each firm's
own page, which is also the firm's portal (its gates, trucks, ledger, tickets, cases)."""

import marshmallow as ma
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from registry.accounts.auth import EDITORS, FIRM_READERS, READERS, own_firm_id
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.audit.services import history_of
from registry.common.forms import flatten, form_value, submit
from registry.common.i18n import t
from registry.common.pagination import EMPTY_PAGE, paginate
from registry.emitters.services import listed_trucks_of
from registry.extensions import db
from registry.firms import services
from registry.firms.schemas import FirmInputSchema, FirmQueryArgsSchema, FirmSchema, FirmUpdateSchema
from registry.gates.models import Gate
from registry.gates.services import gates_query
from registry.inspections.models import FirmInspection
from registry.vehicles.models import Vehicle

bp = Blueprint("firm_pages", __name__, url_prefix="/firms")

FIELDS = tuple(FirmInputSchema().fields)
# The firm's fields as its history shows them: (field, title, label kind)
HISTORY_FIELDS = (
    ("name", ("企业名称", "Name"), None),
    ("credit_code", ("统一社会信用代码", "Credit code"), None),
    ("industry", ("行业", "Industry"), "industry"),
    ("annual_freight_tonnes", ("年货运量（吨）", "Freight a year (t)"), None),
    ("in_planning_area", ("位于规划区", "In the planning area"), None),
    ("performance_grade", ("绩效分级", "Performance grade"), "grade"),
    ("region", ("所属区域", "Region"), None),
)


def history_fields() -> list[tuple[str, str, str | None]]:
    return [(name, t(*title), kind) for name, title, kind in HISTORY_FIELDS]


def _firm_form() -> dict:
    """The form as FirmInputSchema takes it: a whole number of tonnes as a number, the box as a boolean,
    empty fields left out (the schema's defaults apply)."""
    form = {k: v.strip() for k, v in request.form.items() if k in FIELDS and v.strip()}
    tonnes = form.get("annual_freight_tonnes", "").replace(",", "")
    if tonnes.isdigit():
        form["annual_freight_tonnes"] = int(tonnes)
    form["in_planning_area"] = request.form.get("in_planning_area") == "on"
    return form


@bp.get("")
@page_roles(*FIRM_READERS)
def index():
    """Firms by name, filtered; a firm's own staff go straight to their firm."""
    own = own_firm_id(current_user)
    if own is not None:
        return redirect(url_for(".show", firm_id=own))
    raw = {k: v for k, v in request.args.items() if v and k not in ("page", "cursor")}
    try:
        args, errors = FirmQueryArgsSchema().load(raw), None
    except ma.ValidationError as exc:  # shown beside the filters; nothing is listed for a filter not understood
        args, errors = None, flatten(exc.messages)
    cursor = request.args.get("cursor") or None
    listing = EMPTY_PAGE if errors else paginate(services.firms_query(args), 1, 50, cursor)
    gate_counts = _gate_counts([f.id for f in listing["items"]])
    page = render_template("firms/index.html", listing=listing, form=raw, errors=errors, gate_counts=gate_counts)
    return page, 422 if errors else 200


def _gate_counts(firm_ids: list[int]) -> dict[int, int]:
    if not firm_ids:
        return {}
    rows = db.session.execute(
        select(Gate.firm_id, func.count()).where(Gate.firm_id.in_(firm_ids), Gate.active).group_by(Gate.firm_id)
    )
    return dict(rows.all())


@bp.route("/new", methods=["GET", "POST"])
@page_roles(*EDITORS)
def new():
    errors, form = None, {}
    if request.method == "POST":
        form = dict(request.form)
        firm, errors = submit(lambda: services.create_firm(current_user, FirmInputSchema().load(_firm_form())))
        if not errors:
            flash(t(f"企业“{firm.name}”已登记，请为其添加门禁", f"Firm '{firm.name}' registered: add its gates"))
            return redirect(url_for(".show", firm_id=firm.id))
    return render_template(
        "firms/form.html", firm=None, form=form, errors=errors, regions=services.regions()
    ), 422 if errors else 200


@bp.route("/<int:firm_id>/edit", methods=["GET", "POST"])
@page_roles(*EDITORS)
def edit(firm_id):
    firm = services.get_firm(firm_id)
    errors, form = None, {k: form_value(getattr(firm, k)) for k in FIELDS}
    form["in_planning_area"] = "on" if firm.in_planning_area else ""
    if request.method == "POST":
        form = dict(request.form)
        data = _firm_form()
        data.setdefault("credit_code", None)  # an emptied field clears the value
        data.setdefault("region", None)
        _, errors = submit(lambda: services.update_firm(current_user, firm, FirmUpdateSchema(partial=True).load(data)))
        if not errors:
            flash(t(f"已保存“{firm.name}”的修改，变更记录已留存", f"Saved the changes to '{firm.name}'"))
            return redirect(url_for(".show", firm_id=firm.id))
    return render_template(
        "firms/form.html", firm=firm, form=form, errors=errors, regions=services.regions()
    ), 422 if errors else 200


@bp.get("/<int:firm_id>")
@page_roles(*FIRM_READERS)
def show(firm_id, gate_errors=None, gate_form=None, status=200):
    """One firm: its fields and warnings, gates (with liveness), trucks, and what changed when. For the
    firm's own staff this is the portal's home: every duty of theirs is one link away."""
    firm = services.visible_firm(current_user, firm_id)
    gates = db.session.scalars(gates_query({"firm_id": firm.id})).all()
    trucks_query = select(Vehicle).where(Vehicle.firm_id == firm.id).order_by(Vehicle.plate, Vehicle.id)
    trucks = paginate(trucks_query, 1, 20)
    inspections = db.session.scalars(
        select(FirmInspection).where(FirmInspection.firm_id == firm.id).order_by(FirmInspection.id.desc()).limit(10)
    ).all()
    page = render_template(
        "firms/show.html",
        firm=firm,
        gates=gates,
        trucks=trucks,
        inspections=inspections,
        warnings=FirmSchema().dump(firm)["warnings"],
        emitters=listed_trucks_of(firm.id),
        history=history_of("firm", firm.id) if current_user.role in READERS else [],
        history_fields=history_fields(),
        may_edit=current_user.role in EDITORS,
        is_own=current_user.role == Role.FIRM,
        gate_errors=gate_errors,
        gate_form=gate_form or {},
    )
    return page, status
