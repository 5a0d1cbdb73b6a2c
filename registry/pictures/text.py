"""The plate's text read back from the picture (号牌复核): PaddleOCR's PP-OCRv6 recogniser as the
`rapidocr` package ships it (its ONNX model is inside the wheel, Apache-2.0; nothing is downloaded),
run on the plate as the analysis cut it out. A double-row plate (GA 36-2018: 440x220 mm, two characters
above, five below) is read row by row. Slow next to the colour (tens of milliseconds on one core), so it
runs in the background analysis, never before the gate's answer."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from registry.identifiers.plates import PROVINCES, SUFFIXES, normalise_plate

PLATE_CHARACTERS = frozenset(PROVINCES + SUFFIXES + "使ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
DOUBLE_ROW_ASPECT = 2.6  # wider than this (440x140 mm: 3.1) is one row; a 440x220 mm plate is 2.0
UPPER_ROW = 0.42  # of a double-row plate's height: the upper row ends at about 80 of 220 mm


@dataclass(frozen=True)
class PlateText:
    text: str  # normalised, plate characters only
    confidence: float  # the recogniser's lowest character-sequence score, 0..1
    ms: float


@lru_cache(maxsize=1)
def _recogniser():
    from rapidocr import RapidOCR  # imported here: loading ONNX Runtime costs memory the web workers need not pay

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(
        params={
            "Global.log_level": "error",
            "Global.use_det": False,
            "Global.use_cls": False,
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )


def _read(image: np.ndarray) -> tuple[str, float]:
    result = _recogniser()(image, use_det=False, use_cls=False, use_rec=True)
    texts, scores = list(result.txts or ()), list(result.scores or ())
    return "".join(texts), (min(scores) if scores else 0.0)


def read_plate_text(plate: np.ndarray) -> PlateText | None:
    """The text on a BGR plate crop; None when nothing plate-like was read."""
    started = time.perf_counter()
    height, width = plate.shape[:2]
    if height < 8 or width < 16:
        return None
    if width / height < DOUBLE_ROW_ASPECT:
        split = round(height * UPPER_ROW)
        upper, upper_score = _read(plate[:split])
        lower, lower_score = _read(plate[split - round(height * 0.04) :])
        raw, score = upper + lower, min(upper_score, lower_score)
    else:
        raw, score = _read(plate)
    text = "".join(ch for ch in normalise_plate(raw) if ch in PLATE_CHARACTERS)
    if len(text) < 5:
        return None
    return PlateText(text, round(float(score), 3), (time.perf_counter() - started) * 1000)
