"""Pictures analysed after the gate answered (plate colour, quality, plate text): those the gate's pipeline
did not need to measure (registry.ingest.pictures), soon after, by `analyse_pending`, so that the gate's
answer never waits for analysis it does not use; and the questions they raise for a person."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.common.time import utcnow
from registry.events.models import PassImage, PlateEvent
from registry.events.picture_questions import PolicyByDay, check_picture_colour, check_plate_text
from registry.extensions import db
from registry.ingest.pictures import analysis_columns, measured_colour, picture_facts
from registry.pictures.analysis import PLATE, VEHICLE, Analysis, analyse
from registry.pictures.decoding import ImageRejected
from registry.pictures.store import image_path, load_stored
from registry.pictures.text import read_plate_text

log = logging.getLogger(__name__)


def note_colour(plate_event: PlateEvent, analysis: Analysis | None) -> None:
    """Keep the measured colour on the pass, and whether it disagrees with the camera's claim."""
    measured = measured_colour(plate_event.plate_color.value if plate_event.plate_color else None, analysis)
    if measured is not None:
        plate_event.measured_colour, plate_event.colour_disagrees = measured


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
