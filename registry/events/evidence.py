"""Where a pass's stored pictures are, for the API and the violation pages."""

from pathlib import Path

from flask import current_app

from registry.common.errors import NotFound
from registry.common.i18n import t
from registry.events.models import PlateEvent
from registry.pictures.store import image_path


def image_file(plate_event: PlateEvent, image_id: int) -> tuple[Path, str]:
    """The file of one valid, still kept picture of the pass, and its content type."""
    image = next((i for i in plate_event.images if i.id == image_id), None)
    if image is None or not image.valid or not image.sha256:
        raise NotFound(t(f"图片 {image_id} 不存在", f"picture {image_id} not found"))
    path = image_path(Path(current_app.config["IMAGE_DIR"]), image.sha256)
    if not path.exists():
        raise NotFound(t("图片已按保存期限删除", "the picture was removed after its retention period"))
    return path, image.content_type or "image/jpeg"
