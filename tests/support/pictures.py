"""Real plate photographs from ../shared/data/plates (see its README), for pictures in payloads."""

import csv
from pathlib import Path

import cv2
import numpy as np
import pytest

PLATES = Path(__file__).resolve().parents[3] / "shared" / "data" / "plates"


def real_photo(colour: str, kind: str) -> bytes:
    """The first labelled photo of that plate colour and kind (plate_crop or whole_vehicle)."""
    index = PLATES / "INDEX.tsv"
    if not index.exists():
        pytest.skip(f"the shared plate photographs are not at {PLATES}")
    with index.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows, delimiter="\t"):
            if row["plate_colour"] == colour and row["kind"] == kind and row["local_path"].endswith(".jpg"):
                return (PLATES / row["local_path"]).read_bytes()
    raise LookupError(f"no {colour} {kind} photo")


def labelled(local_path: str) -> bytes:
    """One named photograph of the set."""
    path = PLATES / local_path
    if not path.exists():
        pytest.skip(f"the shared plate photographs are not at {PLATES}")
    return path.read_bytes()


GROUNDS = {  # BGR
    "blue": (190, 70, 10),
    "yellow": (0, 200, 240),
    "green": (70, 180, 40),
    "white": (240, 240, 240),
    "black": (25, 25, 25),
}
LIGHT_INK, DARK_INK = (255, 255, 255), (20, 20, 20)
INK = {colour: LIGHT_INK if colour in ("blue", "black") else DARK_INK for colour in (*GROUNDS, "yellow_green")}


def ga36_plate(colour: str, text: str = "AB12345") -> np.ndarray:
    """A single-row plate at 1 px per mm in GA 36-2018's geometry: 440x140, seven 45x90 characters with
    strokes about 10 mm wide, 12 mm apart and 34 mm after the second (where the dot goes)."""
    plate = np.zeros((140, 440, 3), np.uint8)
    plate[:] = GROUNDS[colour]
    x = 15
    for index, character in enumerate(text):
        canvas = np.zeros((200, 200), np.uint8)
        cv2.putText(canvas, character, (20, 160), cv2.FONT_HERSHEY_SIMPLEX, 4.0, 255, 14)
        ys, xs = np.nonzero(canvas)
        glyph = cv2.resize(canvas[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1], (45, 90), cv2.INTER_AREA)
        plate[25:115, x : x + 45][glyph > 127] = INK[colour]
        x += 45 + (34 if index == 1 else 12)
    return plate


def synthetic_plate(colour: str, width: int = 220, height: int = 70) -> np.ndarray:
    """A plate drawn in the GA 36-2018 colour pair for `colour` (BGR), characters included."""
    grounds = GROUNDS
    ink = INK[colour]
    plate = np.zeros((height, width, 3), np.uint8)
    if colour == "yellow_green":
        plate[:, : width * 2 // 7] = grounds["yellow"]
        plate[:, width * 2 // 7 :] = grounds["green"]
    elif colour == "green":  # gradient green: lighter at the top
        for row in range(height):
            mix = row / height
            plate[row] = [
                round(200 * (1 - mix) + 70 * mix),
                round(240 * (1 - mix) + 180 * mix),
                round(190 * (1 - mix) + 40 * mix),
            ]
    else:
        plate[:] = grounds[colour]
    cv2.putText(plate, "A 12345", (12, height - 18), cv2.FONT_HERSHEY_SIMPLEX, 1.5, ink, 4)
    return plate
