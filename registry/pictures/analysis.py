"""One picture in, everything the platform measures out: where the plate is, its colour, how good the
picture is, and how long it took."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from registry.pictures.colour_model import classify
from registry.pictures.locate import locate_plates, upright
from registry.pictures.quality import Quality, measure
from registry.pictures.text import PlateText

PLATE, VEHICLE = "plate", "vehicle"


@dataclass(frozen=True)
class Analysis:
    colour: str | None  # blue, yellow, yellow_green, green, white, black; None when no plate was found
    confidence: float
    box: tuple[int, int, int, int] | None  # x, y, w, h of the plate in the picture
    quality: Quality | None
    ms: float
    plate: np.ndarray | None = field(default=None, repr=False, compare=False)  # the plate as cut out
    text: PlateText | None = None  # read back from the picture by the background analysis only
    text_read: bool = False  # whether the text was looked for (nothing readable is None)

    def as_dict(self) -> dict:
        return {
            "colour": self.colour,
            "confidence": self.confidence,
            "box": list(self.box) if self.box else None,
            "sharpness": round(self.quality.sharpness, 1) if self.quality else None,
            "quality": self.quality.as_dict() if self.quality else None,
            "ms": round(self.ms, 2),
        }


def analyse(image: np.ndarray, kind: str = VEHICLE, box: tuple[int, int, int, int] | None = None) -> Analysis:
    """A plate crop (`kind` plate) is measured as it is; in a vehicle photo the plate is the given
    rectangle when the camera sent one, else the best plate-like region found."""
    started = time.perf_counter()
    height, width = image.shape[:2]
    if kind == PLATE:
        plate, found = image, (0, 0, width, height)
    elif box is not None:
        x, y, w, h = box
        plate, found = image[max(0, y) : y + h, max(0, x) : x + w], box
    else:
        candidates = locate_plates(image, limit=1)
        if not candidates:
            return Analysis(None, 0.0, None, None, (time.perf_counter() - started) * 1000)
        best = candidates[0]
        plate, found = upright(image, best.rect, 48), best.box
        plate_w, plate_h = round(best.rect[1][0]), round(best.rect[1][1])
    if plate.size == 0:
        return Analysis(None, 0.0, None, None, (time.perf_counter() - started) * 1000)
    reading = classify(plate)
    quality = measure(plate)
    if kind == VEHICLE and box is None:  # the plate's size as photographed, not as cut out and scaled
        quality = Quality(quality.sharpness, quality.brightness, quality.overexposed, plate_w, plate_h)
    ms = (time.perf_counter() - started) * 1000
    return Analysis(reading.colour, reading.confidence, found, quality, ms, plate)
