"""Which pass a weighbridge ticket belongs to: of its plate's passes at the firm's gates within the
window around the weighing, the nearest in time, preferring passes out of the plant (a ticket is
printed when the second weighing is done, as the truck leaves; a plant with only entry cameras has its
entries used). Two passes about as near as each other are left for a person to choose. A pass already
filled by another ticket is not offered again."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from registry.events.models import Direction, PlateEvent
from registry.extensions import db
from registry.gates.models import Gate
from registry.uplink.outbox import forward_pass
from registry.weighbridge.models import MatchStatus, WeighTicket


def candidates(ticket: WeighTicket) -> list[tuple[int, object, Direction, str]]:
    """(pass id, time, direction, gate name) of the passes the ticket may belong to, nearest first."""
    window = timedelta(minutes=current_app.config["WEIGHBRIDGE_WINDOW_MINUTES"])
    taken = select(WeighTicket.pass_id).where(
        WeighTicket.firm_id == ticket.firm_id, WeighTicket.pass_id.is_not(None), WeighTicket.id != ticket.id
    )
    rows = db.session.execute(
        select(PlateEvent.id, PlateEvent.captured_at, PlateEvent.direction, Gate.name)
        .join(Gate, Gate.id == PlateEvent.gate_id)
        .where(
            PlateEvent.plate == ticket.plate,
            Gate.firm_id == ticket.firm_id,
            PlateEvent.captured_at >= ticket.weighed_at - window,
            PlateEvent.captured_at <= ticket.weighed_at + window,
            PlateEvent.id.not_in(taken),
        )
        .limit(50)
    ).all()
    return sorted(rows, key=lambda row: abs(row[1] - ticket.weighed_at))


def match(ticket: WeighTicket) -> WeighTicket:
    """Match (or re-match) the ticket to a pass; a person's choice is never undone."""
    if ticket.matched_by_id is not None:
        return ticket
    found = candidates(ticket)
    outs = [row for row in found if row[2] == Direction.OUT]
    preferred = outs or found
    ticket.candidates = len(found)
    if not preferred:
        return set_match(ticket, MatchStatus.UNMATCHED)
    margin = timedelta(minutes=current_app.config["WEIGHBRIDGE_AMBIGUOUS_MINUTES"])
    nearest = preferred[0]
    if len(preferred) > 1 and abs(preferred[1][1] - ticket.weighed_at) - abs(nearest[1] - ticket.weighed_at) <= margin:
        return set_match(ticket, MatchStatus.AMBIGUOUS)
    return set_match(ticket, MatchStatus.MATCHED, nearest[0], nearest[1])


def set_match(ticket: WeighTicket, status: MatchStatus, pass_id=None, pass_at=None) -> WeighTicket:
    """Record the match; a pass whose ledger row gains or loses the ticket's cargo is reported again."""
    if (ticket.pass_id, ticket.pass_at) != (pass_id, pass_at):
        for changed_id, changed_at in ((ticket.pass_id, ticket.pass_at), (pass_id, pass_at)):
            if changed_id is not None:
                forward_pass(changed_id, changed_at)
    ticket.status, ticket.pass_id, ticket.pass_at = status, pass_id, pass_at
    return ticket
