"""Pages: a firm's electronic gate ledger (门禁电子台账) by period — its passes (table 3) as the export
writes them, the downloads (XLSX with tables 3–5 and the seals; CSV per table), how far it is sealed,
and checking a workbook someone hands over against the seals (台账核验)."""

from itertools import islice

import marshmallow as ma
from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from registry.accounts.auth import FIRM_READERS
from registry.accounts.views import page_roles
from registry.common.errors import DomainError
from registry.common.forms import flatten
from registry.common.i18n import t
from registry.common.replica import reads_from_replica
from registry.common.time import local_date, local_day_bounds, utcnow
from registry.common.workbooks import WorkbookRefused
from registry.events.models import PlateEvent
from registry.extensions import db
from registry.firms.services import visible_firm
from registry.gates.models import Gate
from registry.ledger.exports import LEDGER_COLUMNS, ledger_export, ledger_rows
from registry.ledger.files import verify_workbook
from registry.ledger.models import LedgerSeal
from registry.violations.schemas import LedgerArgsSchema

bp = Blueprint("ledger_pages", __name__, url_prefix="/firms/<int:firm_id>/ledger")

PREVIEW_ROWS = 100


def _period() -> tuple:
    """The period asked for (local dates, inclusive), by default this month so far; and any error."""
    today = local_date(utcnow())
    raw = {k: v for k, v in request.args.items() if k in ("from", "to", "part") and v}
    raw.setdefault("from", today.replace(day=1).isoformat())
    raw.setdefault("to", today.isoformat())
    try:
        return LedgerArgsSchema().load(raw), None
    except ma.ValidationError as exc:  # shown beside the dates
        return None, flatten(exc.messages)


@bp.get("")
@page_roles(*FIRM_READERS)
@reads_from_replica
def show(firm_id):
    firm = visible_firm(current_user, firm_id)
    args, errors = _period()
    rows, total = [], 0
    if args:
        bounds = (local_day_bounds(args["from_"])[0], local_day_bounds(args["to"])[1])
        rows = list(islice(ledger_rows(firm.id, *bounds, request.host_url.rstrip("/")), PREVIEW_ROWS))
        total = _passes(firm.id, *bounds)
    return render_template(
        "ledger/show.html",
        firm=firm,
        args=args,
        form=request.args,
        errors=errors,
        rows=rows,
        total=total,
        columns=LEDGER_COLUMNS,
        sealed_until=db.session.scalar(
            select(func.max(LedgerSeal.day)).where(LedgerSeal.firm_id == firm.id, LedgerSeal.kind == "day")
        ),
        report=None,
    ), 422 if errors else 200


def _passes(firm_id: int, start, end) -> int:
    gates = select(Gate.id).where(Gate.firm_id == firm_id)
    query = select(func.count()).where(
        PlateEvent.gate_id.in_(gates), PlateEvent.captured_at >= start, PlateEvent.captured_at < end
    )
    return db.session.scalar(query) or 0


@bp.get("/export.<any(csv, xlsx):fmt>")
@page_roles(*FIRM_READERS)
@reads_from_replica
def export(firm_id, fmt):
    """The period's ledger as a file, for the logged-in reader (the API's export, with the page's login)."""
    firm = visible_firm(current_user, firm_id)
    args, errors = _period()
    if errors:
        raise DomainError(t("日期有误", "Bad dates"), "from")
    return ledger_export(firm, args["from_"], args["to"], fmt, request.host_url.rstrip("/"), args["part"])


@bp.post("/verify")
@page_roles(*FIRM_READERS)
def verify(firm_id):
    """A ledger workbook someone handed over, checked against its seals and the platform's chain: each
    changed cell named with its day, row and column."""
    firm = visible_firm(current_user, firm_id)
    upload = request.files.get("file")
    report, problem = None, None
    if not upload or not upload.filename:
        problem = t("请选择导出的台账文件（XLSX）", "Choose an exported ledger workbook (XLSX)")
    else:
        try:
            report = verify_workbook(upload.read(), firm.id)
        except WorkbookRefused as exc:
            problem = t(exc.zh, exc.en)
        except (KeyError, ValueError, StopIteration, IndexError):
            problem = t("不是本平台导出的台账文件，无法核验", "Not a ledger workbook exported by this platform")
    page = render_template("ledger/verified.html", firm=firm, report=report, problem=problem)
    return page, 422 if problem else 200
