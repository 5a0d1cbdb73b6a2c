"""Real plate photographs from ../shared/data/plates (see its README), for pictures in payloads."""

import csv
from pathlib import Path

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
