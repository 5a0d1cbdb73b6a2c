"""Photos of a machine's nameplate, engine nameplate and environmental label: checked to be real
JPEG or PNG pictures (type, size, pixel count, decoding), stored by content, thumbnailed."""

from pathlib import Path

from registry.audit.services import record_change
from registry.common.errors import Conflict, NotFound
from registry.common.i18n import t
from registry.extensions import db
from registry.machinery.models import Machinery, MachineryPhoto, MachineryStatus, PhotoKind
from registry.machinery.services import is_bureau
from registry.pictures.uploads import checked_photo, stored_file


def add_photo(actor, machinery: Machinery, kind: PhotoKind, data: bytes) -> MachineryPhoto:
    """Store one photo of `kind`, replacing an earlier one of the same kind (the audit log keeps both)."""
    if machinery.status in (MachineryStatus.APPROVED, MachineryStatus.RETIRED) and not is_bureau(actor):
        raise Conflict(t("已登记的机械不能更换照片", "photos of a registered machine cannot be replaced"), "file")
    values = checked_photo(actor, data)
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
    return stored_file(photo, small)
