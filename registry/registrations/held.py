"""Photos a driver already took, held across a form error: a form sent back for a wrong VIN keeps its
licence and list photos, so the driver corrects the field and sends again without photographing the
documents a second time. A held photo is stored in IMAGE_DIR/held for a day at most; the form carries a
signed token of it (itsdangerous, under SECRET_KEY), which is all that opens it again."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

HELD_SECONDS = 24 * 3600


def _folder() -> Path:
    return Path(current_app.config["IMAGE_DIR"]) / "held"


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="held-photo")


def _prune(folder: Path) -> None:
    """Let go of photos held longer than a day (nobody came back for them)."""
    cutoff = time.time() - HELD_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            continue


def hold(data: bytes) -> str:
    """Keep a checked photo for a day; the token that opens it again."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _prune(folder)
    digest = hashlib.sha256(data).hexdigest()
    path = folder / digest
    if not path.exists():
        partial = folder / f"{digest}.{os.getpid()}.part"
        partial.write_bytes(data)
        os.replace(partial, path)
    return _signer().dumps(digest)


def held(token: str | None) -> bytes | None:
    """The photo a token holds, while it is held; None for a token that is not one of ours, or too old."""
    if not token:
        return None
    try:
        digest = _signer().loads(token, max_age=HELD_SECONDS)
    except BadSignature:
        return None
    path = _folder() / str(digest)
    return path.read_bytes() if len(str(digest)) == 64 and path.is_file() else None
