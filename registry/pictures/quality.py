"""How far a plate picture can be trusted: sharpness (variance of the Laplacian, measured on the plate
scaled to a fixed height so that big and small plates compare), exposure (mean brightness and the share
of blown-out pixels) and the plate's size in pixels. Only measurements here; which values are too poor
is data (the PICTURE_QUALITY policy) and is decided by the rules engine."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MEASURE_HEIGHT = 48


@dataclass(frozen=True)
class Quality:
    sharpness: float  # variance of the Laplacian at 48 px plate height
    brightness: float  # mean grey level, 0-255
    overexposed: float  # share of pixels at 250 or above
    plate_width: int  # pixels, as photographed
    plate_height: int

    def as_dict(self) -> dict:
        return {
            "sharpness": round(self.sharpness, 1),
            "brightness": round(self.brightness, 1),
            "overexposed": round(self.overexposed, 3),
            "plate_width": self.plate_width,
            "plate_height": self.plate_height,
        }


def measure(plate: np.ndarray) -> Quality:
    """Quality figures of a plate crop (BGR)."""
    height, width = plate.shape[:2]
    gray = cv2.cvtColor(plate, cv2.COLOR_BGR2GRAY) if plate.ndim == 3 else plate
    scaled = cv2.resize(gray, (max(8, round(width * MEASURE_HEIGHT / height)), MEASURE_HEIGHT))
    sharpness = float(cv2.Laplacian(scaled, cv2.CV_64F).var())
    return Quality(
        sharpness=sharpness,
        brightness=float(gray.mean()),
        overexposed=float(np.count_nonzero(gray >= 250) / gray.size),
        plate_width=width,
        plate_height=height,
    )
