"""The pictures of a read at ingest: stored and decoded once, analysed (plate colour, quality) at once
when the rules need it, otherwise soon after by `analyse_pending`, so the gate's answer never waits for
analysis it does not use."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.common.time import utcnow
from registry.events.models import PassImage, PlateEvent
from registry.events.picture_questions import PolicyByDay, check_picture_colour, check_plate_text
from registry.extensions import db
from registry.pictures.analysis import PLATE, VEHICLE, Analysis, analyse
from registry.pictures.decoding import ImageRejected
from registry.pictures.store import CheckedImage, image_path, load_stored, store_image
from registry.pictures.text import read_plate_text
from registry.rules import Picture

log = logging.getLogger(__name__)


@dataclass
class PassPicture:
    kind: str  # plate (a crop) or vehicle (a whole-vehicle photo)
    checked: CheckedImage
    image: np.ndarray | None
    analysis: Analysis | None = None


def take_pictures(images: dict[str, bytes]) -> list[PassPicture]:
    """Check, decode and store each picture of a read (an invalid one is kept as a record)."""
    if not images:
        return []
    folder, cap = Path(current_app.config["IMAGE_DIR"]), current_app.config["MAX_IMAGE_BYTES"]
    pictures = []
    for kind, data in images.items():
        checked, image = store_image(data, folder, cap)
        pictures.append(PassPicture(kind, checked, image))
    return pictures


def analyse_best(pictures: list[PassPicture], plate_box: list[int] | None) -> Analysis | None:
    """Analyse the picture that shows the plate best: a crop, else the vehicle photo (at the camera's
    rectangle when it sent one). Every analysed picture keeps its analysis."""
    chosen = _best(pictures)
    if chosen is None:
        return None
    box = tuple(plate_box) if plate_box and chosen.kind == VEHICLE else None
    chosen.analysis = analyse(chosen.image, PLATE if chosen.kind == PLATE else VEHICLE, box)
    return chosen.analysis


def _best(pictures: list[PassPicture]) -> PassPicture | None:
    usable = [p for p in pictures if p.image is not None]
    return next((p for p in usable if p.kind == PLATE), None) or next(iter(usable), None)


def picture_facts(analysis: Analysis | None) -> Picture | None:
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
    """PassImage columns for an analysis (all None when the picture is not analysed yet)."""
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


def note_colour(plate_event: PlateEvent, analysis: Analysis | None) -> None:
    """Keep the measured colour on the pass, and whether it disagrees with the camera's claim."""
    if analysis is None or analysis.colour is None:
        return
    claimed = plate_event.plate_color.value if plate_event.plate_color else None
    plate_event.measured_colour = analysis.colour
    plate_event.colour_disagrees = claimed is not None and claimed != analysis.colour


@dataclass(frozen=True)
class Waiting:
    """A stored picture waiting for its analysis."""

    image_id: int
    sha256: str
    kind: str


def pictures_to_analyse(limit: int = 50) -> list[Waiting]:
    """Pictures stored without analysis (the rules did not need it at ingest), oldest first."""
    query = select(PassImage.id, PassImage.sha256, PassImage.kind).where(
        PassImage.valid, PassImage.analysed_at.is_(None), PassImage.purged_at.is_(None)
    )
    if current_app.config["PICTURE_TEXT"]:  # and those analysed at ingest whose text is still to read
        unread = PassImage.text_read_at.is_(None) & PassImage.valid & PassImage.purged_at.is_(None)
        query = query.union(select(PassImage.id, PassImage.sha256, PassImage.kind).where(unread))
        query = select(query.subquery())
    rows = db.session.execute(query.order_by("id").limit(limit))
    return [Waiting(*row) for row in rows]


def analyse_waiting(waiting: list[Waiting]) -> list[tuple[Waiting, Analysis | None]]:
    """Each picture's analysis, None when its file is gone or cannot be analysed; touches no database,
    so that a caller can do it between two short transactions."""
    folder = Path(current_app.config["IMAGE_DIR"])
    read_text = current_app.config["PICTURE_TEXT"]
    results = []
    for picture in waiting:
        try:
            image = load_stored(image_path(folder, picture.sha256))
            analysis = analyse(image, PLATE if picture.kind == PLATE else VEHICLE)
            if read_text and analysis.plate is not None:
                analysis = replace(analysis, text=read_plate_text(analysis.plate), text_read=True)
        except (OSError, ImageRejected):
            analysis = None  # the file is gone or unreadable: nothing more to learn
        except Exception:  # one picture OpenCV cannot measure must not stop the others
            log.exception("picture %s could not be analysed", picture.sha256)
            analysis = None
        results.append((picture, analysis))
    return results


def record_analyses(results: list[tuple[Waiting, Analysis | None]]) -> int:
    """Store what the analyses measured, and the measured colour on each pass; flushes, the caller commits."""
    if not results:
        return 0
    analyses = {picture.image_id: analysis for picture, analysis in results}
    rows = db.session.scalars(
        select(PassImage)
        .where(PassImage.id.in_(sorted(analyses)))
        .options(selectinload(PassImage.plate_event).selectinload(PlateEvent.images))
    ).all()
    policies = PolicyByDay()  # one look-up per day for the batch, not one per picture
    for row in rows:
        analysis = analyses[row.id]
        if analysis is None:
            row.analysed_at = row.text_read_at = utcnow()
            continue
        for key, value in analysis_columns(analysis).items():
            setattr(row, key, value)
        if row.kind == PLATE or not any(i.kind == PLATE and i.valid for i in row.plate_event.images):
            note_colour(row.plate_event, analysis)
            check_picture_colour(row.plate_event, picture_facts(analysis), policies)
            check_plate_text(row.plate_event, analysis.text, policies)
    db.session.flush()  # services flush, the caller commits
    return len(rows)


def analyse_pending(limit: int = 50) -> int:
    """Analyse pictures stored without analysis, in the caller's transaction; returns how many.
    Flushes; the caller commits. (The gateway splits the three steps around its transactions.)"""
    return record_analyses(analyse_waiting(pictures_to_analyse(limit)))
