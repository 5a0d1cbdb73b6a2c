"""A photo a person uploads (a machine's nameplate, a truck's driving licence): checked to be a real
JPEG or PNG picture within the size limit (type, size, pixel count, decoding), stored by content with
a thumbnail. The columns it gives are those of every photo table (PhotoColumns)."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
from flask import Response, current_app, request, send_file
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.common.errors import DomainError, NotFound
from registry.common.i18n import t
from registry.common.models import UTCDateTime
from registry.common.time import utcnow
from registry.pictures.decoding import ImageRejected, decode
from registry.pictures.store import image_path, save_content, thumbnail


class PhotoColumns:
    """The stored photo's columns, shared by every table of uploaded photos."""

    sha256: Mapped[str] = mapped_column(String(64))
    thumbnail_sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(30))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


def photo_folder() -> Path:
    return Path(current_app.config["IMAGE_DIR"])


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo that passed the checks, not stored yet."""

    data: bytes
    content_type: str
    width: int
    height: int
    small: bytes  # its thumbnail, JPEG


def check_photo(data: bytes, field: str = "file") -> CheckedPhoto:
    """Check an uploaded photo without storing it: a DomainError on `field` saying why it was refused
    (too large, not a picture, a picture too large to decode)."""
    limit = current_app.config["MAX_PHOTO_BYTES"]
    if len(data) > limit:
        raise DomainError(
            t(f"照片过大：不能超过 {limit // 1024} KiB", f"photo too large: at most {limit // 1024} KiB"), field
        )
    try:
        image, content_type = decode(data)
        small = thumbnail(image)
    except ImageRejected as exc:
        raise DomainError(str(exc), field) from None
    height, width = image.shape[:2]
    return CheckedPhoto(data, content_type, width, height, small)


def store_photo(actor, photo: CheckedPhoto) -> dict:
    """Store a checked photo and its thumbnail by content; the photo columns' values."""
    folder = photo_folder()
    return {
        "sha256": save_content(photo.data, folder),
        "thumbnail_sha256": save_content(photo.small, folder),
        "content_type": photo.content_type,
        "size": len(photo.data),
        "width": photo.width,
        "height": photo.height,
        "uploaded_by_id": getattr(actor, "id", None),
        "uploaded_at": utcnow(),
    }


def checked_photo(actor, data: bytes, field: str = "file") -> dict:
    """Check and store an uploaded photo (check_photo, then store_photo)."""
    return store_photo(actor, check_photo(data, field))


def stored_file(photo, small: bool = False) -> tuple[Path, str]:
    """Where a stored photo (or its thumbnail) is, and its content type."""
    if small:
        return image_path(photo_folder(), photo.thumbnail_sha256), "image/jpeg"
    return image_path(photo_folder(), photo.sha256), photo.content_type


ORIGINAL_ROLES = ("admin", "bureau")


def _viewer_role() -> str | None:
    from flask import g
    from flask_login import current_user

    actor = g.get("actor") or (current_user if current_user and current_user.is_authenticated else None)
    return getattr(getattr(actor, "role", None), "value", None)


def without_metadata(data: bytes, content_type: str) -> bytes:
    """The picture drawn again from its pixels: no EXIF (a phone's GPS position, its owner, the time), no
    comment or text chunk survives; turned upright as EXIF said, so it looks as it did."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise NotFound(t("照片无法读取", "the photo cannot be read"), "file")
    if content_type == "image/png":
        _, encoded = cv2.imencode(".png", image)
    else:
        _, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return encoded.tobytes()


def send_photo(path: Path, content_type: str, small: bool = False) -> Response:
    """A stored photo as a reader gets it: re-encoded without its metadata; the file as uploaded only to
    the bureau, which asks for it with `?original=1` (evidence kept as received). A thumbnail was drawn
    from the pixels when it was made: it is sent as it is. Cached by the reader's browser only."""
    if small:
        return send_file(path, mimetype=content_type, max_age=3600)
    if request.args.get("original") in ("1", "true") and _viewer_role() in ORIGINAL_ROLES:
        return send_file(path, mimetype=content_type, max_age=3600)
    response = Response(without_metadata(path.read_bytes(), content_type), mimetype=content_type)
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    return response
