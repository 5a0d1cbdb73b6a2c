"""Train the plate-colour network shipped as registry/pictures/colour_model.npz.

Training data: synthetic plates of every GA 36-2018 colour pair, single and double row, under varied light
and optics (registry.pictures.synthetic, seeded), and the real plates of ../shared/data/plates (crops as
they are, whole-vehicle photos as the analysis cuts their plate out). The honest figure is not measured
here but by scripts/eval_pictures.py, which trains the same way without the source it scores; this prints
the network's accuracy on a fresh synthetic set per colour and for double-row yellow plates.

    .venv/bin/python scripts/train_colour_model.py                 # writes registry/pictures/colour_model.npz
    .venv/bin/python scripts/train_colour_model.py --synthetic 600 --output /tmp/model.npz
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import numpy as np  # noqa: E402
from eval_pictures import load  # noqa: E402

from registry.pictures import colour_model  # noqa: E402
from registry.pictures.colour import COLOURS  # noqa: E402
from registry.pictures.synthetic import synthetic_plate, synthetic_set  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "plates")
    parser.add_argument("--synthetic", type=int, default=300, help="synthetic plates per colour for each member")
    parser.add_argument("--members", type=int, default=5, help="networks, each on its own synthetic draw")
    parser.add_argument("--output", type=Path, default=colour_model.MODEL_FILE)
    args = parser.parse_args()
    samples, _ = load(args.data)
    real = [(s.crop, s.truth) for s in samples if s.crop is not None and s.truth in COLOURS]
    rx, ry = colour_model.training_arrays(real)
    sets = []
    for i in range(args.members):
        x, y = colour_model.training_arrays(synthetic_set(args.synthetic, seed=colour_model.SYNTHETIC_SEED + i))
        sets.append((np.vstack([x, rx]), np.concatenate([y, ry])))
    weights = colour_model.train(sets)
    colour_model.save(weights, args.output)
    print(f"{args.members} networks, each on {len(y)} synthetic and {len(ry)} real plates; written to {args.output}")
    rng = np.random.default_rng(2018)  # a fresh synthetic set, not the training one
    for colour in COLOURS:
        right = sum(colour_model.classify(synthetic_plate(colour, rng), weights).colour == colour for _ in range(200))
        print(f"  synthetic {colour:12} {right}/200")
    right = sum(
        colour_model.classify(synthetic_plate("yellow", rng, double_row=True), weights).colour == "yellow"
        for _ in range(200)
    )
    print(f"  synthetic double-row yellow {right}/200")
    return 0


if __name__ == "__main__":
    sys.exit(main())
