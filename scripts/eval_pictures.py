"""Measure plate-picture handling on the real photographs in ../shared/data/plates (see its README).

Every figure is leave-one-source-out: a method that fits anything (a threshold, a model) is fitted
without the source it is scored on, a source being one repository of INDEX.tsv, and the figures are
the held-out predictions of every fold together. For plate crops and whole-vehicle photos separately:
accuracy, per-colour precision and recall, the confusion table and the accuracy per source; for
whole-vehicle photos also the location hit rate (IoU >= 0.5 with a labelled plate; EasyPR's rotated
rectangles are turned into their bounding boxes, and other plates the notes list count as hits too);
and the time per image, for the analysis alone and with JPEG decoding.

Methods: `rules` (registry.pictures.colour's GA 36 rules: nothing is fitted, so leaving a source out
changes nothing) and `model` (registry.pictures.colour_model: a classifier trained on synthetic GA 36
plates and on the real crops of the other sources, fitted again for each fold).

    .venv/bin/python scripts/eval_pictures.py
    .venv/bin/python scripts/eval_pictures.py --method rules --misses 10
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from registry.pictures.analysis import PLATE, VEHICLE, analyse  # noqa: E402
from registry.pictures.colour import COLOURS, classify_crop  # noqa: E402
from registry.pictures.decoding import ImageRejected, decode  # noqa: E402
from registry.pictures.locate import iou  # noqa: E402

ROTATED = re.compile(r"cx,cy,w,h,angle=(-?\d+),(-?\d+),(-?\d+),(-?\d+),(-?\d+)")
OTHER = re.compile(r"cx,cy,w,h=(\d+),(\d+),(\d+),(\d+)")
NONE = "none"  # no plate found


@dataclass
class Sample:
    path: str
    source: str
    kind: str  # plate, vehicle
    truth: str
    text: str  # the labelled plate text, where the index has one
    crop: np.ndarray | None  # the plate as the analysis cut it out (None: no plate found)
    located: bool | None  # whole-vehicle photos with a labelled box: found at IoU >= 0.5
    ms: float  # analysis alone
    ms_decoding: float


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


def load(data: Path) -> tuple[list[Sample], list[str]]:
    """Decode and analyse every photo once; keep the plate as cut out for the methods to classify."""
    samples, unreadable = [], []
    for row in csv.DictReader((data / "INDEX.tsv").open(encoding="utf-8"), delimiter="\t"):
        kind = PLATE if row["kind"] == "plate_crop" else VEHICLE
        started = time.perf_counter()
        try:
            image, _ = decode((data / row["local_path"]).read_bytes())
        except ImageRejected as exc:
            unreadable.append(f"{row['local_path']}: {exc}")
            continue
        decoded = time.perf_counter()
        analysis = analyse(image, kind)
        finished = time.perf_counter()
        boxes = labelled_boxes(row) if kind == VEHICLE else []
        located = None
        if boxes:
            located = bool(analysis.box) and any(iou(analysis.box, box) >= 0.5 for box in boxes)
        samples.append(
            Sample(
                row["local_path"],
                row["source_repo"],
                kind,
                row["plate_colour"],
                row["plate_text"],
                analysis.plate,
                located,
                (finished - decoded) * 1000,
                (finished - started) * 1000,
            )
        )
    return samples, unreadable


class Rules:
    """registry.pictures.colour as it is: nothing to fit."""

    name = "rules"

    def fit(self, train: list[Sample]) -> None:
        pass

    def predict(self, sample: Sample) -> tuple[str, float]:
        if sample.crop is None:
            return NONE, 0.0
        found = classify_crop(sample.crop)
        return found.colour, found.confidence


class Model:
    """registry.pictures.colour_model, trained for each fold on synthetic plates and the other sources."""

    name = "model"

    def __init__(self, per_colour: int, members: int):
        from registry.pictures import colour_model, synthetic

        self.colour_model = colour_model
        self.synthetic = [
            colour_model.training_arrays(synthetic.synthetic_set(per_colour, seed=colour_model.SYNTHETIC_SEED + i))
            for i in range(members)
        ]
        self.cache: dict[str, np.ndarray] = {}
        self.weights = None

    def _features(self, sample: Sample) -> np.ndarray:
        if sample.path not in self.cache:
            self.cache[sample.path] = self.colour_model.features(sample.crop)
        return self.cache[sample.path]

    def fit(self, train: list[Sample]) -> None:
        real = [s for s in train if s.crop is not None and s.truth in COLOURS]
        rx = np.vstack([self._features(s)[None, :] for s in real])
        ry = np.array([COLOURS.index(s.truth) for s in real])
        sets = [(np.vstack([x, rx]), np.concatenate([y, ry]).astype(int)) for x, y in self.synthetic]
        self.weights = self.colour_model.train(sets)

    def predict(self, sample: Sample) -> tuple[str, float]:
        if sample.crop is None:
            return NONE, 0.0
        p = self.colour_model.probabilities(self._features(sample), self.weights)
        return COLOURS[int(p.argmax())], float(p.max())


def leave_one_source_out(method, samples: list[Sample]) -> dict[str, tuple[str, float]]:
    """Each photo's prediction (colour, confidence) by the method fitted without its source."""
    predictions = {}
    for source in sorted({s.source for s in samples}):
        method.fit([s for s in samples if s.source != source])
        for sample in samples:
            if sample.source == source:
                predictions[sample.path] = method.predict(sample)
    return predictions


def precision_recall(pairs: Counter, colour: str) -> tuple[float | None, float | None, int]:
    true_positive = pairs[(colour, colour)]
    predicted = sum(v for (_, got), v in pairs.items() if got == colour)
    actual = sum(v for (truth, _), v in pairs.items() if truth == colour)
    return (true_positive / predicted if predicted else None, true_positive / actual if actual else None, actual)


def shown(value: float | None) -> str:
    return f"{value:9.1%}" if value is not None else "        -"


CONFIDENCES = (0.6, 0.8, 0.9)  # PICTURE_COLOUR's min_confidence: how right the colour is from each


def report(title: str, samples: list[Sample], scored: dict[str, tuple[str, float]]) -> None:
    predictions = {path: colour for path, (colour, _) in scored.items()}
    pairs = Counter((s.truth, predictions[s.path]) for s in samples)
    total = sum(pairs.values())
    right = sum(v for (truth, got), v in pairs.items() if truth == got)
    print(f"\n{title}: colour accuracy {right}/{total} = {right / total:.1%}")
    print("  colour        n   precision  recall")
    for colour in COLOURS:
        precision, recall, actual = precision_recall(pairs, colour)
        if actual or precision is not None:
            print(f"  {colour:12} {actual:3} {shown(precision)} {shown(recall)}")
    columns = [c for c in (*COLOURS, NONE) if any(got == c for _, got in pairs)]
    rows = [c for c in COLOURS if any(truth == c for truth, _ in pairs)]
    print("  confusion (rows: truth, columns: got)")
    print("  " + " " * 13 + "".join(f"{c[:12]:>13}" for c in columns))
    for truth in rows:
        print(f"  {truth:13}" + "".join(f"{pairs[(truth, got)]:13}" for got in columns))
    by_source = defaultdict(Counter)
    for s in samples:
        by_source[s.source][predictions[s.path] == s.truth] += 1
    print(
        "  per source (held out): "
        + "; ".join(f"{source} {n[True]}/{n[True] + n[False]}" for source, n in sorted(by_source.items()))
    )
    for least in CONFIDENCES:
        sure = [s for s in samples if scored[s.path][1] >= least]
        right = sum(predictions[s.path] == s.truth for s in sure)
        print(
            f"  at confidence >= {least}: {right}/{len(sure)} right = {right / max(len(sure), 1):.1%}"
            f" ({len(sure) / max(len(samples), 1):.0%} of the photos)"
        )


def text_report(samples: list[Sample]) -> None:
    """The plate text read back from the picture against the labelled text: exact matches, and the
    characters right (1 - edit distance / length), per kind and per source; nothing is fitted."""
    from registry.identifiers.plates import compare_reads, normalise_plate
    from registry.pictures.text import read_plate_text

    labelled = [s for s in samples if s.text]
    rows = defaultdict(lambda: {"n": 0, "read": 0, "exact": 0, "serial": 0, "chars": 0.0, "ms": []})
    for sample in labelled:
        read = read_plate_text(sample.crop) if sample.crop is not None else None
        truth = normalise_plate(sample.text)
        for key in ((sample.kind, "all"), (sample.kind, sample.source)):
            row = rows[key]
            row["n"] += 1
            if read is None:
                continue
            row["read"] += 1
            row["ms"].append(read.ms)
            row["exact"] += read.text == truth
            row["serial"] += compare_reads(truth, read.text, ignore_province=True).differences == 0
            wrong = compare_reads(truth, read.text).differences if read.text != truth else 0
            row["chars"] += max(0.0, 1 - wrong / len(truth))
    print(f"\nplate text read back from the picture ({len(labelled)} photos with a labelled text)")
    print("  kind     source                                          n  read   exact  exact but province  chars")
    for (kind, source), row in sorted(rows.items(), key=lambda item: (item[0][0], item[0][1] != "all", item[0][1])):
        n = row["n"]
        print(
            f"  {kind:8} {source:45} {n:4} {row['read'] / n:6.1%} {row['exact'] / n:7.1%}"
            f" {row['serial'] / n:19.1%} {row['chars'] / n:6.1%}"
        )
    times = [ms for (kind, source), row in rows.items() if source == "all" for ms in row["ms"][1:]]
    if times:
        print(f"  time per read: mean {statistics.mean(times):.1f} ms, p95 {np.percentile(times, 95):.1f} ms")


def timing(samples: list[Sample]) -> str:
    times, with_decoding = [s.ms for s in samples], [s.ms_decoding for s in samples]
    return (
        f"analysis mean {statistics.mean(times):.1f} ms, p95 {np.percentile(times, 95):.1f} ms;"
        f" with decoding mean {statistics.mean(with_decoding):.1f} ms, p95 {np.percentile(with_decoding, 95):.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "plates")
    parser.add_argument("--method", choices=("rules", "model", "both", "none"), default="both")
    parser.add_argument("--misses", type=int, default=0, help="list this many location misses")
    parser.add_argument("--synthetic", type=int, default=300, help="synthetic plates per colour for each member")
    parser.add_argument("--members", type=int, default=5, help="networks, each on its own synthetic draw")
    parser.add_argument("--text", action="store_true", help="also read the plate text back (号牌复核)")
    args = parser.parse_args()
    samples, unreadable = load(args.data)
    sources = Counter(s.source for s in samples)
    print(f"{len(samples)} images in {args.data} ({len(unreadable)} not decodable: {'; '.join(unreadable)})")
    print("sources: " + ", ".join(f"{source} {n}" for source, n in sorted(sources.items())))
    chosen = {"both": ("rules", "model"), "none": ()}.get(args.method, (args.method,))
    methods = [Rules() if name == "rules" else Model(args.synthetic, args.members) for name in chosen]
    for method in methods:
        predictions = leave_one_source_out(method, samples)
        print(f"\n=== {method.name}: leave one source out ===")
        for kind, title in ((PLATE, "plate crops"), (VEHICLE, "whole-vehicle photos")):
            of_kind = [s for s in samples if s.kind == kind]
            report(f"{title} ({len(of_kind)})", of_kind, predictions)
        for colours in (("green", "yellow_green"),):
            chosen = [s for s in samples if s.truth in colours]
            right = sum(predictions[s.path][0] == s.truth for s in chosen)
            print(f"\nnew-energy plates (green, yellow-green), both kinds: recall {right}/{len(chosen)}")
    if args.text:
        text_report(samples)
    labelled = [s for s in samples if s.located is not None]
    located = [s for s in labelled if s.located]
    print(
        f"\nplate location (IoU >= 0.5, {len(labelled)} photos with a labelled box): "
        f"{len(located)}/{len(labelled)} = {len(located) / max(len(labelled), 1):.1%}"
    )
    for kind, title in ((PLATE, "plate crops"), (VEHICLE, "whole-vehicle photos")):
        print(f"time per image, {title} (the analysis as shipped): {timing([s for s in samples if s.kind == kind])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
