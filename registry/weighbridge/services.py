"""Recording weighbridge tickets (idempotent on the ticket number), a person's choice of pass for an
ambiguous one, and the lists of what is left unmatched. Services flush; the caller commits."""

from datetime import datetime

import marshmallow as ma
from sqlalchemy import select

from registry.audit.services import record_change
from registry.common.errors import DomainError, NotFound
from registry.common.i18n import t
from registry.common.time import local_day_bounds
from registry.events.models import Direction, PlateEvent
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.weighbridge.matching import candidates, match, set_match
from registry.weighbridge.models import MatchStatus, WeighTicket
from registry.weighbridge.schemas import TicketInputSchema

COMPARED = ("plate", "weighed_at", "gross_t", "tare_t", "net_t", "cargo")


def _same(ticket: WeighTicket, data: dict) -> bool:
    def value(v):
        return (
            v.timestamp() if isinstance(v, datetime) else (float(v) if v is not None and not isinstance(v, str) else v)
        )

    return all(value(getattr(ticket, key)) == value(data.get(key)) for key in COMPARED)


def record_ticket(actor, firm: Firm, data: dict) -> tuple[WeighTicket | None, str]:
    """Store one checked ticket and match it. The same ticket number again: `unchanged` when it says the
    same, `conflict` when it says something else (the first one stands)."""
    existing = db.session.scalar(
        select(WeighTicket).where(WeighTicket.firm_id == firm.id, WeighTicket.ticket_no == data["ticket_no"])
    )
    if existing is not None:
        return existing, "unchanged" if _same(existing, data) else "conflict"
    ticket = WeighTicket(firm_id=firm.id, created_by_id=getattr(actor, "id", None), **data)
    db.session.add(ticket)
    db.session.flush()
    match(ticket)
    return ticket, "created"


def record_tickets(actor, firm: Firm, items: list[dict]) -> list[dict]:
    """Tickets as sent (not yet checked): each checked, stored and matched on its own; one bad ticket
    is answered `invalid` with its errors and stops nothing."""
    results, seen = [], set()
    for item in items:
        try:
            data = TicketInputSchema().load(item)
        except ma.ValidationError as exc:
            number = item.get("ticket_no") if isinstance(item, dict) else None
            results.append({"ticket_no": str(number) if number else None, "outcome": "invalid", "errors": exc.messages})
            continue
        ticket, outcome = record_ticket(actor, firm, data)
        seen.add(ticket.id)
        results.append({"ticket_no": data["ticket_no"], "outcome": outcome, "ticket": ticket})
    created = sum(1 for r in results if r["outcome"] == "created")
    if created:
        record_change(actor, "weigh_tickets", "firm", firm.id, after={"created": created, "sent": len(items)})
    return results


def get_ticket(firm: Firm, ticket_id: int) -> WeighTicket:
    ticket = db.session.get(WeighTicket, ticket_id)
    if ticket is None or ticket.firm_id != firm.id:
        raise NotFound(t("磅单不存在", "ticket not found"), "ticket_id")
    return ticket


def choose_pass(actor, ticket: WeighTicket, pass_id: int, reason: str | None = None) -> WeighTicket:
    """A person chose the pass of an ambiguous (or unmatched) ticket among those it may belong to. A ticket
    already matched (by the platform or a person) moves only with a reason, kept in the audit: its pass's
    ledger row changes, and a sealed day's change is an amendment someone must answer for."""
    reason = (reason or "").strip()
    if ticket.status == MatchStatus.MATCHED and ticket.pass_id != pass_id and not reason:
        raise DomainError(
            t("该磅单已匹配过车记录，改为其他过车须说明原因", "the ticket is matched: moving it needs a reason"),
            "reason",
        )
    offered = {row[0]: row[1] for row in candidates(ticket)}
    if pass_id not in offered:
        raise DomainError(
            t("该过车记录不在此磅单的匹配范围内", "that pass is not one this ticket may belong to"), "pass_id"
        )
    before = {"status": ticket.status.value, "pass_id": ticket.pass_id}
    set_match(ticket, MatchStatus.MATCHED, pass_id, offered[pass_id])
    ticket.matched_by_id = actor.id
    db.session.flush()
    after = {"pass_id": pass_id} | ({"reason": reason} if reason else {})
    record_change(actor, "match", "weigh_ticket", ticket.id, before=before, after=after)
    return ticket


def rematch(firm_id: int | None = None) -> int:
    """Match again the tickets still waiting for their pass (it may have arrived since); how many matched."""
    query = select(WeighTicket).where(WeighTicket.status != MatchStatus.MATCHED, WeighTicket.matched_by_id.is_(None))
    if firm_id is not None:
        query = query.where(WeighTicket.firm_id == firm_id)
    matched = 0
    for ticket in db.session.scalars(query.order_by(WeighTicket.weighed_at)):
        matched += match(ticket).status == MatchStatus.MATCHED
    db.session.flush()
    return matched


def tickets_query(firm: Firm, args: dict):
    query = select(WeighTicket).where(WeighTicket.firm_id == firm.id)
    if args.get("status"):
        query = query.where(WeighTicket.status == args["status"])
    if args.get("from_"):
        query = query.where(WeighTicket.weighed_at >= local_day_bounds(args["from_"])[0])
    if args.get("to"):
        query = query.where(WeighTicket.weighed_at < local_day_bounds(args["to"])[1])
    return query.order_by(WeighTicket.weighed_at, WeighTicket.id)


def passes_without_ticket(firm: Firm, start, end):
    """The firm's passes out of the plant by registered trucks in [start, end) that no ticket fills."""
    filled = select(WeighTicket.pass_id).where(WeighTicket.firm_id == firm.id, WeighTicket.pass_id.is_not(None))
    return (
        select(PlateEvent)
        .where(
            PlateEvent.gate_id.in_(select(Gate.id).where(Gate.firm_id == firm.id)),
            PlateEvent.captured_at >= start,
            PlateEvent.captured_at < end,
            PlateEvent.vehicle_id.is_not(None),
            PlateEvent.direction == Direction.OUT,  # tickets are matched to the passes out (matching.py)
            PlateEvent.id.not_in(filled),
        )
        .order_by(PlateEvent.captured_at, PlateEvent.id)
    )
