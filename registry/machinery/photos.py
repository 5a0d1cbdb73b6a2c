"""Photos of a machine's nameplate, engine nameplate and environmental label: checked to be real
JPEG or PNG pictures (type, size, pixel count, decoding), stored by content, thumbnailed."""

from pathlib import Path

from flask import current_app

from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError, NotFound
from registry.common.i18n import t
from registry.common.time import utcnow
from registry.extensions import db
from registry.machinery.models import Machinery, MachineryPhoto, MachineryStatus, PhotoKind
from registry.machinery.services import is_bureau
from registry.pictures.decoding import ImageRejected, decode
from registry.pictures.store import image_path, save_content, thumbnail


def photo_folder() -> Path:
    return Path(current_app.config["IMAGE_DIR"])


def add_photo(actor, machinery: Machinery, kind: PhotoKind, data: bytes) -> MachineryPhoto:
    """Store one photo of `kind`, replacing an earlier one of the same kind (the audit log keeps both)."""
    if machinery.status in (MachineryStatus.APPROVED, MachineryStatus.RETIRED) and not is_bureau(actor):
        raise Conflict(t("已登记的机械不能更换照片", "photos of a registered machine cannot be replaced"), "file")
    limit = current_app.config["MAX_PHOTO_BYTES"]
    if len(data) > limit:
        raise DomainError(
            t(f"照片过大：不能超过 {limit // 1024} KiB", f"photo too large: at most {limit // 1024} KiB"), "file"
        )
    try:
        image, content_type = decode(data)
        small = thumbnail(image)
    except ImageRejected as exc:
        raise DomainError(str(exc), "file") from None
    folder = photo_folder()
    height, width = image.shape[:2]
    values = {
        "sha256": save_content(data, folder),
        "thumbnail_sha256": save_content(small, folder),
        "content_type": content_type,
        "size": len(data),
        "width": width,
        "height": height,
        "uploaded_by_id": actor.id,
        "uploaded_at": utcnow(),
    }
    photo = next((p for p in machinery.photos if p.kind == kind), None)
    before = {"sha256": photo.sha256} if photo else None
    if photo is None:
        photo = MachineryPhoto(machinery=machinery, kind=kind)
        db.session.add(photo)
    for key, value in values.items():
        setattr(photo, key, value)
    db.session.flush()
    record_change(
        actor, "photo", "machinery", machinery.id, before=before, after={"kind": kind.value, "sha256": photo.sha256}
    )
    return photo


def photo_file(machinery: Machinery, kind: str, small: bool = False) -> tuple[Path, str]:
    """Where a stored photo (or its thumbnail) is, and its content type."""
    photo = next((p for p in machinery.photos if p.kind.value == kind), None)
    if photo is None:
        raise NotFound(t(f"没有 {kind} 照片", f"no {kind} photo"), "kind")
    if small:
        return image_path(photo_folder(), photo.thumbnail_sha256), "image/jpeg"
    return image_path(photo_folder(), photo.sha256), photo.content_type
