"""What every vendor format shares."""

import hashlib
import json


def derived_event_id(*parts) -> str:
    """An event id for a message that carries none, from what the message itself says (never the
    time of receipt): the same message, resent, always gives the same id."""
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
    return f"d-{digest[:40]}"
