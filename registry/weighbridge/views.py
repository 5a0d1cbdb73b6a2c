"""Pages: a firm's weighbridge tickets (地磅磅单) — import the scale software's file with a line-by-line
report, see what matched which pass, and choose the pass of a ticket the platform could not decide
(待人工选择); a matched ticket moves to another pass only with a reason (audited)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from registry.accounts.auth import EDITORS, FIRM_READERS
from registry.accounts.models import Role
from registry.accounts.views import page_roles
from registry.common.errors import DomainError
from registry.common.forms import in_reader_language, submit
from registry.common.i18n import t
from registry.common.pagination import paginate
from registry.extensions import db
from registry.firms.services import visible_firm
from registry.weighbridge import services
from registry.weighbridge.importing import HEADERS, ticket_lines
from registry.weighbridge.matching import candidates
from registry.weighbridge.models import MatchStatus, WeighTicket
from registry.weighbridge.schemas import ChooseSchema

bp = Blueprint("weighbridge_pages", __name__, url_prefix="/firms/<int:firm_id>/weigh-tickets")

WRITERS = (*EDITORS, Role.FIRM)  # a firm: its own
# The order a clerk works in: what waits for a person first.
TABS = ("ambiguous", "unmatched", "matched", "all")


@bp.context_processor
def ticket_fields():
    return {"ticket_field": lambda field: HEADERS[field][0] if field in HEADERS else field}


def _counts(firm_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(WeighTicket.status, func.count()).where(WeighTicket.firm_id == firm_id).group_by(WeighTicket.status)
    )
    counts = {status.value: n for status, n in rows}
    return counts | {"all": sum(counts.values())}


def _page(firm, imported=None, problem=None, errors=None, status=200):
    counts = _counts(firm.id)
    tab = request.args.get("status") or ("ambiguous" if counts.get("ambiguous") else "all")
    tab = tab if tab in TABS else "all"
    args = {"status": MatchStatus(tab)} if tab != "all" else {}
    query = (
        services.tickets_query(firm, args).order_by(None).order_by(WeighTicket.weighed_at.desc(), WeighTicket.id.desc())
    )
    listing = paginate(query, 1, 50, request.args.get("cursor") or None)
    offered = {
        ticket.id: _offered(ticket)
        for ticket in listing["items"]
        if ticket.status != MatchStatus.MATCHED or tab == "matched"
    }
    page = render_template(
        "weighbridge/tickets.html",
        firm=firm,
        tab=tab,
        tabs=TABS,
        counts=counts,
        listing=listing,
        offered=offered,
        imported=imported,
        problem=problem,
        errors=errors,
        may_write=current_user.role in WRITERS,
    )
    return page, status


def _offered(ticket: WeighTicket) -> list[tuple]:
    """(pass id, time, direction, gate name) of the passes a ticket may belong to, nearest first; a matched
    ticket's own pass first when the window no longer offers it."""
    found = candidates(ticket)
    if ticket.pass_id and ticket.pass_id not in {row[0] for row in found}:
        found = [(ticket.pass_id, ticket.pass_at, None, ""), *found]
    return found


@bp.get("")
@page_roles(*FIRM_READERS)
def tickets(firm_id):
    return _page(visible_firm(current_user, firm_id))


@bp.post("/import")
@page_roles(*WRITERS)
def import_file(firm_id):
    """The scale software's CSV or XLSX: every line stored and matched on its own; bad lines reported."""
    firm = visible_firm(current_user, firm_id)
    upload = request.files.get("file")
    if not upload or not upload.filename:
        return _page(
            firm, problem=t("请选择磅单文件（CSV 或 XLSX）", "Choose the ticket file (CSV or XLSX)"), status=422
        )
    try:
        lines = ticket_lines(upload.read(), upload.filename)
    except DomainError as exc:
        return _page(firm, problem=in_reader_language(exc.message), status=422)
    results = services.record_tickets(current_user, firm, [item for _, item in lines])
    db.session.commit()
    imported = [(line, result) for (line, _), result in zip(lines, results, strict=True)]
    return _page(firm, imported=imported)


@bp.post("/<int:ticket_id>/pass")
@page_roles(*WRITERS)
def choose(firm_id, ticket_id):
    """A person chose the ticket's pass (or moved a matched one, with a reason)."""
    firm = visible_firm(current_user, firm_id)
    ticket = services.get_ticket(firm, ticket_id)
    pass_id = request.form.get("pass_id", type=int)
    reason = request.form.get("reason", "").strip() or None

    def decide():
        if pass_id is None:
            raise DomainError(t("请选择一条过车记录", "Choose a pass"), "pass_id")
        data = ChooseSchema().load({"pass_id": pass_id, "reason": reason})
        return services.choose_pass(current_user, ticket, data["pass_id"], data.get("reason"))

    _, errors = submit(decide)
    if errors:
        return _page(firm, errors={ticket.id: errors}, status=422)
    flash(
        t(
            f"磅单 {ticket.ticket_no}（{ticket.plate}）已对应所选过车",
            f"Ticket {ticket.ticket_no} ({ticket.plate}) now fills the chosen pass",
        )
    )
    return redirect(url_for(".tickets", firm_id=firm.id, status=request.args.get("status", "")))
