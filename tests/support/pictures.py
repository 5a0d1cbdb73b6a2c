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


def synthetic_plate(colour: str, width: int = 220, height: int = 70) -> np.ndarray:
    """A plate drawn in the GA 36-2018 colour pair for `colour` (BGR), characters included."""
    grounds = {
        "blue": (190, 70, 10),
        "yellow": (0, 200, 240),
        "green": (70, 180, 40),
        "white": (240, 240, 240),
        "black": (25, 25, 25),
    }
    ink = (255, 255, 255) if colour in ("blue", "black") else (20, 20, 20)
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
