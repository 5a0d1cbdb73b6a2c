"""A roadside record's pictures as a station sends them: an address on its own picture server (kept as
the link it is), or the picture itself in base64, checked, decoded and stored once by content like a
gate's (registry.pictures.store) and named `sha256:<digest>`, which the pages serve."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from flask import current_app

from registry.pictures.store import store_image

STORED = "sha256:"


def is_link(reference: str) -> bool:
    return reference.startswith(("http://", "https://"))


def keep_picture(value: str) -> str | None:
    """The reference kept for one picture value (None: neither a link nor a picture)."""
    value = (value or "").strip()
    if not value or is_link(value):
        return value[:500] or None
    if value.startswith("data:") and "," in value:
        value = value.split(",", 1)[1]
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    config = current_app.config
    checked, _ = store_image(data, Path(config["IMAGE_DIR"]), config["MAX_IMAGE_BYTES"])
    return f"{STORED}{checked.sha256}" if checked.valid and checked.sha256 else None


def keep_pictures(values):
    """A list or a {kind: value} of pictures, each kept (those neither a link nor a picture dropped)."""
    if isinstance(values, dict):
        kept = {kind: keep_picture(value) for kind, value in values.items() if isinstance(value, str)}
        return {kind: ref for kind, ref in kept.items() if ref}
    return [ref for ref in (keep_picture(v) for v in values or [] if isinstance(v, str)) if ref]
