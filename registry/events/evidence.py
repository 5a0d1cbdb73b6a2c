"""A pass's stored pictures for the API and the violation pages: the originals, thumbnails for lists,
and the annotated evidence picture."""

import os
from pathlib import Path

from flask import current_app

from registry.common.errors import NotFound
from registry.common.i18n import t
from registry.common.services import not_found
from registry.common.time import LOCAL_TZ
from registry.events.models import PlateEvent
from registry.labels import words
from registry.pictures.analysis import VEHICLE, analyse
from registry.pictures.evidence import annotate
from registry.pictures.store import image_path, load_stored, thumbnail


def image_file(plate_event: PlateEvent, image_id: int) -> tuple[Path, str]:
    """The file of one valid, still kept picture of the pass, and its content type."""
    image = next((i for i in plate_event.images if i.id == image_id), None)
    if image is None or not image.valid or not image.sha256:
        raise not_found("图片", "picture")
    path = image_path(Path(current_app.config["IMAGE_DIR"]), image.sha256)
    if not path.exists():
        raise NotFound(t("图片已按保存期限删除", "the picture was removed after its retention period"))
    return path, image.content_type or "image/jpeg"


def thumbnail_file(plate_event: PlateEvent, image_id: int) -> Path:
    """A small JPEG of one picture for lists, made once and kept beside the originals."""
    path, _ = image_file(plate_event, image_id)
    small = path.parent.parent / "thumbs" / f"{path.name}.jpg"
    if not small.exists():
        image = load_stored(path)
        small.parent.mkdir(parents=True, exist_ok=True)
        partial = small.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(thumbnail(image))
        os.replace(partial, small)
    return small


def evidence_jpeg(plate_event: PlateEvent) -> bytes:
    """The vehicle picture (or the plate crop) with the plate boxed and the pass written on it."""
    pictures = [i for i in plate_event.images if i.valid and i.sha256 and i.purged_at is None]
    chosen = next((i for i in pictures if i.kind == "vehicle"), None) or next(iter(pictures), None)
    if chosen is None:
        raise NotFound(t("该次过车没有可用的图片", "this pass has no picture to show"))
    path, _ = image_file(plate_event, chosen.id)
    image = load_stored(path)
    box = tuple(chosen.plate_box) if chosen.plate_box else None
    if box is None and chosen.kind == "vehicle":
        box = analyse(image, VEHICLE).box
    verdict = plate_event.verdict
    decision = verdict.decision.value
    when = plate_event.captured_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")
    gate = plate_event.gate
    stage = words("stage", verdict.emission_stage) or "排放阶段不明"
    rules = "、".join(
        dict.fromkeys(words("rule", f.get("rule")) for f in verdict.findings if f.get("severity") == "deny")
    )
    lines = [
        f"{plate_event.plate or '无牌车'}  {words('decision', decision)}  ·  {stage}",
        *([rules] if rules else []),
        f"卡口 {gate.code} {gate.name}" if gate.firm is None else f"门禁 {gate.code} {gate.name} · {gate.firm.name}",
        f"{when}（北京时间）· 过车记录 #{plate_event.id}",
    ]
    return annotate(image, box, lines, decision, current_app.config.get("PICTURE_FONT"))
