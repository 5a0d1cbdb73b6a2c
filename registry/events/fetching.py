"""Pictures a camera sent by reference (a path or URL), downloaded in the background and stored by
SHA-256 like pushed ones. Off unless PICTURE_FETCH_HOSTS lists hosts; an address off the list is never
called (registry.pictures.fetching). Three steps, so that no transaction waits on the network: what
is waiting, the downloads, what they gave."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from registry.events.models import PassImage
from registry.extensions import db
from registry.pictures.fetching import FetchFailed, FetchRefused, address_of, fetch
from registry.pictures.store import CheckedImage, store_image


@dataclass(frozen=True)
class ToFetch:
    image_id: int
    reference: str


def pictures_to_fetch(limit: int = 20) -> list[ToFetch]:
    """References not yet downloaded and not given up on, oldest first."""
    rows = db.session.execute(
        select(PassImage.id, PassImage.reference)
        .where(
            PassImage.reference.is_not(None),
            PassImage.sha256.is_(None),
            PassImage.fetch_attempts < current_app.config["PICTURE_FETCH_ATTEMPTS"],
        )
        .order_by(PassImage.id)
        .limit(limit)
    )
    return [ToFetch(*row) for row in rows]


def download(waiting: list[ToFetch]) -> list[tuple[ToFetch, CheckedImage | None, str | None, bool]]:
    """(the picture, what was stored or None, the error, whether to give up) for each; no database."""
    config = current_app.config
    hosts, cap = config["PICTURE_FETCH_HOSTS"], config["MAX_IMAGE_BYTES"]
    folder = Path(config["IMAGE_DIR"])
    results = []
    for item in waiting:
        try:
            address = address_of(item.reference, config["PICTURE_FETCH_BASE_URL"])
            data = fetch(address, hosts, cap, config["PICTURE_FETCH_TIMEOUT_SECONDS"], config["OUTBOUND_PRIVATE_HOSTS"])
        except FetchRefused as exc:
            results.append((item, None, str(exc), True))  # never called: trying again changes nothing
            continue
        except FetchFailed as exc:
            results.append((item, None, str(exc), False))
            continue
        checked, _image = store_image(data, folder, cap)
        results.append((item, checked, None if checked.valid else checked.error, not checked.valid))
    return results


def record_fetches(results) -> int:
    """Store what the downloads gave; flushes, the caller commits. Returns how many were stored."""
    rows = {
        row.id: row
        for row in db.session.scalars(select(PassImage).where(PassImage.id.in_([r[0].image_id for r in results])))
    }
    stored = 0
    for item, checked, error, give_up in results:
        row = rows.get(item.image_id)
        if row is None:
            continue
        row.fetch_attempts = current_app.config["PICTURE_FETCH_ATTEMPTS"] if give_up else row.fetch_attempts + 1
        row.error = error[:300] if error else None
        if checked is not None and checked.valid:
            row.sha256, row.size, row.width, row.height = checked.sha256, checked.size, checked.width, checked.height
            row.content_type, row.valid = checked.content_type, True
            stored += 1
    db.session.flush()
    return stored


def fetch_pending(limit: int = 20) -> int:
    """One round of the fetcher in the caller's transaction (the CLI splits it around its own)."""
    if not current_app.config["PICTURE_FETCH_HOSTS"]:
        return 0
    return record_fetches(download(pictures_to_fetch(limit)))
