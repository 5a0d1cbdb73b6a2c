"""A what-if check: the verdict the gate's pipeline would give a read at a firm's gate at a moment,
through the same facts and decision (registry.ingest), storing nothing."""

from datetime import datetime

from registry.firms.models import Firm
from registry.identifiers.plates import is_no_plate, normalise_plate
from registry.ingest.decide import decide
from registry.ingest.gather import gather
from registry.ingest.passes import GateInfo, PassRow


def check_read(plate_text: str, plate_color: str | None, firm: Firm, at: datetime) -> dict:
    """The verdict (and registered look-alike plates) for `plate_text` read at `firm`'s gate at `at`. A
    gate of the firm's with no coordinates: the cloned-plate check compares colours and classes only."""
    gate = GateInfo.of_firm(firm)
    raw = "" if is_no_plate(plate_text) else plate_text
    read = PassRow(gate.id, "", raw, normalise_plate(raw) if raw else "", plate_color, "in", at, None)
    decided = decide(read, gate, gather([read], {gate.id: gate}))
    return decided.verdict.as_dict() | {"suggestions": decided.suggestions}
