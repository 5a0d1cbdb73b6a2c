"""Which passes a user may see: a firm user's only at its own gates (another's is simply not found)."""

from registry.accounts.auth import own_firm_id
from registry.common.services import get_or_404, not_found
from registry.events.models import PlateEvent


def pass_for(actor, event_id: int) -> PlateEvent:
    """A pass the actor may see: a firm user's only at its own gates (another's is simply not found)."""
    plate_event = get_or_404(PlateEvent, event_id, "过车记录", "pass")
    firm_id = own_firm_id(actor)
    if firm_id is not None and plate_event.gate.firm_id != firm_id:
        raise not_found("过车记录", "pass")
    return plate_event
