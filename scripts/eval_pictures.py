"""Measure plate-picture handling on the real photographs in ../shared/data/plates (see its README).

For plate crops and for whole-vehicle photos separately: per-colour precision and recall of the colour
classifier, overall accuracy, the confusion pairs; for whole-vehicle photos, the location hit rate
(IoU >= 0.5 with a labelled plate, where the index gives a box; EasyPR's rotated rectangles are turned
into their bounding boxes, and other plates the notes list in the same photo count as hits too); and the
time per image, for the analysis alone and with JPEG decoding.

    .venv/bin/python scripts/eval_pictures.py
    .venv/bin/python scripts/eval_pictures.py --data ../shared/data/plates --misses 10
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from registry.pictures.analysis import PLATE, VEHICLE, analyse  # noqa: E402
from registry.pictures.colour import COLOURS  # noqa: E402
from registry.pictures.decoding import ImageRejected, decode  # noqa: E402
from registry.pictures.locate import iou  # noqa: E402

ROTATED = re.compile(r"cx,cy,w,h,angle=(-?\d+),(-?\d+),(-?\d+),(-?\d+),(-?\d+)")
OTHER = re.compile(r"cx,cy,w,h=(\d+),(\d+),(\d+),(\d+)")


def labelled_boxes(row: dict) -> list[tuple[int, int, int, int]]:
    boxes = []
    match = ROTATED.search(row["plate_box"])
    if match:
        cx, cy, w, h, angle = map(float, match.groups())
        points = cv2.boxPoints(((cx, cy), (w, h), angle)).astype(np.int32)
        boxes.append(tuple(int(v) for v in cv2.boundingRect(points)))
    for other in OTHER.finditer(row["notes"]):
        cx, cy, w, h = map(float, other.groups())
        boxes.append((int(cx - w / 2), int(cy - h / 2), int(w), int(h)))
    return boxes


def precision_recall(pairs: Counter, colour: str) -> tuple[float | None, float | None, int]:
    true_positive = pairs[(colour, colour)]
    predicted = sum(v for (_, got), v in pairs.items() if got == colour)
    actual = sum(v for (truth, _), v in pairs.items() if truth == colour)
    precision = true_positive / predicted if predicted else None
    recall = true_positive / actual if actual else None
    return precision, recall, actual


def report(title: str, pairs: Counter, times: list[float], decode_times: list[float]) -> None:
    total = sum(pairs.values())
    right = sum(v for (truth, got), v in pairs.items() if truth == got)
    print(f"\n{title}: colour accuracy {right}/{total} = {right / total:.1%}")
    print("  colour        n   precision  recall")
    for colour in COLOURS:
        precision, recall, actual = precision_recall(pairs, colour)
        if actual or precision is not None:
            shown = lambda v: f"{v:9.1%}" if v is not None else "        -"  # noqa: E731
            print(f"  {colour:12} {actual:3} {shown(precision)} {shown(recall)}")
    wrong = [(k, v) for k, v in pairs.most_common() if k[0] != k[1]]
    if wrong:
        print("  confusions (truth -> got): " + ", ".join(f"{t}->{g} {v}" for (t, g), v in wrong))
    print(
        f"  time per image: analysis mean {statistics.mean(times):.1f} ms, p95 {np.percentile(times, 95):.1f} ms;"
        f" with decoding mean {statistics.mean(decode_times):.1f} ms, p95 {np.percentile(decode_times, 95):.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "plates")
    parser.add_argument("--misses", type=int, default=0, help="list this many location misses")
    args = parser.parse_args()
    rows = list(csv.DictReader((args.data / "INDEX.tsv").open(encoding="utf-8"), delimiter="\t"))
    pairs = {PLATE: Counter(), VEHICLE: Counter()}
    times = {PLATE: [], VEHICLE: []}
    with_decode = {PLATE: [], VEHICLE: []}
    located = labelled = 0
    unreadable, misses = [], []
    for row in rows:
        kind = PLATE if row["kind"] == "plate_crop" else VEHICLE
        started = time.perf_counter()
        try:
            image, _ = decode((args.data / row["local_path"]).read_bytes())
        except ImageRejected as exc:
            unreadable.append(f"{row['local_path']}: {exc}")
            continue
        decoded = time.perf_counter()
        analysis = analyse(image, kind)
        finished = time.perf_counter()
        times[kind].append((finished - decoded) * 1000)
        with_decode[kind].append((finished - started) * 1000)
        pairs[kind][(row["plate_colour"], analysis.colour or "none")] += 1
        boxes = labelled_boxes(row) if kind == VEHICLE else []
        if boxes:
            labelled += 1
            if analysis.box and any(iou(analysis.box, box) >= 0.5 for box in boxes):
                located += 1
            else:
                misses.append(f"{row['local_path']}: found {analysis.box}, labelled {boxes[0]}")
    print(f"{len(rows)} images in {args.data} ({len(unreadable)} not decodable: {'; '.join(unreadable)})")
    report(f"plate crops ({sum(pairs[PLATE].values())})", pairs[PLATE], times[PLATE], with_decode[PLATE])
    report(
        f"whole-vehicle photos ({sum(pairs[VEHICLE].values())})", pairs[VEHICLE], times[VEHICLE], with_decode[VEHICLE]
    )
    share = located / labelled if labelled else 0.0
    print(f"\nplate location (IoU >= 0.5, {labelled} photos with a labelled box): {located}/{labelled} = {share:.1%}")
    for miss in misses[: args.misses]:
        print("  miss:", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
