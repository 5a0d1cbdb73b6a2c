"""What every vendor format shares."""

import base64
import binascii
import hashlib
import json
import re
from functools import wraps


def derived_event_id(*parts) -> str:
    """An event id for a message that carries none, from what the message itself says (never the
    time of receipt): the same message, resent, always gives the same id."""
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
    return f"d-{digest[:40]}"


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_IMAGE_HEADS = (b"\xff\xd8\xff", b"\x89PNG", b"BM", b"GIF8", b"RIFF")
_PATH = re.compile(r"^[^\s]{1,1000}$")


def is_reference(value: str) -> bool:
    """Whether a vendor's picture field says where the picture is rather than holding it: a URL, a path on
    the camera (/mnt/sdcard/...), or an object key in the camera's storage (picture/0/<serial>/20220228/23/
    x.jpg, as some AlarmInfoPlate integrations send `imagePath`). Base64 of a picture opens with the
    picture's own magic bytes; a path has a slash or an extension and no spaces."""
    if _SCHEME.match(value):
        return True
    if _base64_picture(value):
        return False
    return bool(_PATH.match(value)) and ("/" in value or "\\" in value or "." in value[-6:])


def _base64_picture(value: str) -> bool:
    head = value[:16]
    try:
        return base64.b64decode(head[: len(head) // 4 * 4], validate=True).startswith(_IMAGE_HEADS)
    except (binascii.Error, ValueError):
        return False


def picture_text(value: str) -> str:
    """A vendor's inline picture as base64 for the read. Text that is not base64 becomes the base64 of
    itself: the picture is then stored as an invalid one with the reason, and the pass is kept (a
    camera resends a refused push for ever, and never with a better picture)."""
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return base64.b64encode(value.encode("utf-8", "replace")).decode()
    return value


def wrong_types_as(error: type[ValueError], vendor: str):
    """A mapping whose field of a type no firmware sends (a list for the confidence, text for the
    seconds) raises `error` naming the field's problem, not a TypeError that would be a 500."""

    def decorate(mapping):
        @wraps(mapping)
        def call(*args):
            try:
                return mapping(*args)
            except (TypeError, ValueError, AttributeError, OverflowError, OSError) as exc:
                if isinstance(exc, error):
                    raise
                raise error(f"{vendor} 字段类型有误 / a field has the wrong type: {exc}") from None

        return call

    return decorate
