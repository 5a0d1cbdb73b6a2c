"""A read's pictures in the pipeline: checked, decoded and stored once (by content, before the batch's
transaction: a file no row names is harmless, a row naming no file is not), measured only where a
decision may rest on them (registry.ingest.decide), and described as `pass_images` rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from registry.common.time import utcnow
from registry.pictures.analysis import PLATE, VEHICLE, Analysis, analyse
from registry.pictures.store import CheckedImage, store_image
from registry.rules import Picture


@dataclass
class PassPicture:
    kind: str  # plate (a crop) or vehicle (a whole-vehicle photo)
    checked: CheckedImage
    image: np.ndarray | None
    analysis: Analysis | None = None


def take_pictures(images: dict[str, bytes], folder: Path, cap: int) -> list[PassPicture]:
    """Check, decode and store each picture of a read (an invalid one is kept as a record)."""
    pictures = []
    for kind, data in images.items():
        checked, image = store_image(data, folder, cap)
        pictures.append(PassPicture(kind, checked, image))
    return pictures


def measure(pictures: list[PassPicture], plate_box: list[int] | None) -> Analysis | None:
    """Analyse the picture that shows the plate best: a crop, else the vehicle photo (at the camera's
    rectangle when it sent one); the picture keeps its analysis. Pure: no database, no files."""
    usable = [p for p in pictures if p.image is not None]
    chosen = next((p for p in usable if p.kind == PLATE), None) or next(iter(usable), None)
    if chosen is None:
        return None
    box = tuple(plate_box) if plate_box and chosen.kind == VEHICLE else None
    chosen.analysis = analyse(chosen.image, PLATE if chosen.kind == PLATE else VEHICLE, box)
    return chosen.analysis


def picture_facts(analysis: Analysis | None) -> Picture | None:
    """What the rules are told of a measured picture."""
    if analysis is None:
        return None
    quality = analysis.quality
    return Picture(
        analysis.colour,
        analysis.confidence,
        quality.sharpness if quality else None,
        quality.brightness if quality else None,
        quality.overexposed if quality else None,
        quality.plate_width if quality else None,
    )


def analysis_columns(analysis: Analysis | None) -> dict:
    """`pass_images` columns for an analysis (none when the picture is not analysed yet)."""
    if analysis is None:
        return {}
    quality = analysis.quality
    return {
        "colour": analysis.colour,
        "colour_confidence": analysis.confidence,
        "plate_box": list(analysis.box) if analysis.box else None,
        "sharpness": quality.sharpness if quality else None,
        "brightness": quality.brightness if quality else None,
        "overexposed": quality.overexposed if quality else None,
        "plate_width": quality.plate_width if quality else None,
        "analysis_ms": analysis.ms,
        "analysed_at": utcnow(),
        "plate_text": analysis.text.text if analysis.text else None,
        "plate_text_confidence": analysis.text.confidence if analysis.text else None,
        **({"text_read_at": utcnow()} if analysis.text_read else {}),
    }


def measured_colour(claimed: str | None, analysis: Analysis | None) -> tuple[str | None, bool] | None:
    """(the colour measured, whether it disagrees with the camera's claim), or None when none was."""
    if analysis is None or analysis.colour is None:
        return None
    return analysis.colour, claimed is not None and claimed != analysis.colour


def image_row(picture: PassPicture) -> dict:
    checked = picture.checked
    return {
        "kind": picture.kind,
        "sha256": checked.sha256,
        "size": checked.size,
        "width": checked.width,
        "height": checked.height,
        "content_type": checked.content_type,
        "valid": checked.valid,
        "error": checked.error,
        "created_at": utcnow(),
    } | analysis_columns(picture.analysis)


def reference_row(kind: str, reference: str) -> dict:
    """A picture sent by path, object key or URL: its record, waiting for the fetcher."""
    return {
        "kind": kind,
        "sha256": None,
        "size": 0,
        "valid": False,
        "reference": reference,
        "fetch_attempts": 0,
        "created_at": utcnow(),
    }
