"""The shipped plate-colour network (registry.pictures.colour_model): every GA 36-2018 colour pair on the
real photographs of the shared set where it has them, yellow-green and double-row plates (which it has
none of) drawn to the standard, and a double-row truck plate found and read in a vehicle picture.
The accuracy figures are scripts/eval_pictures.py's, leave one source out (docs/BENCHMARKS.md)."""

import csv

import cv2
import numpy as np
import pytest

from registry.pictures.analysis import VEHICLE, analyse
from registry.pictures.colour_model import classify, shipped
from registry.pictures.decoding import decode
from registry.pictures.locate import iou
from registry.pictures.synthetic import draw_plate, synthetic_plate
from tests.support.pictures import PLATES


def real_crops(colour: str) -> list[np.ndarray]:
    index = PLATES / "INDEX.tsv"
    if not index.exists():
        pytest.skip(f"the shared plate photographs are not at {PLATES}")
    with index.open(encoding="utf-8") as rows:
        return [
            decode((PLATES / row["local_path"]).read_bytes())[0]
            for row in csv.DictReader(rows, delimiter="\t")
            if row["plate_colour"] == colour and row["kind"] == "plate_crop"
        ]


@pytest.mark.parametrize(("colour", "share"), [("blue", 0.95), ("yellow", 0.95), ("green", 1), ("white", 1)])
def test_real_crops_of_each_colour_the_set_has(colour, share):
    crops = real_crops(colour)
    right = sum(classify(crop).colour == colour for crop in crops)
    assert right >= share * len(crops), f"{right}/{len(crops)}"


def test_the_one_real_black_plate():
    """The set's only black plate (a Guangdong-Hong Kong crossing plate). The shipped network saw it in
    training and reads it black; held out (scripts/eval_pictures.py) it is read yellow, a known failure
    with one example to learn from (docs/pictures.md)."""
    [crop] = real_crops("black")
    assert classify(crop).colour == "black"


@pytest.mark.parametrize("colour", ["yellow_green", "green", "white", "black"])
def test_rare_colours_drawn_to_the_standard_under_varied_light(colour):
    """White and black plates are rare at a freight gate: the model's priors ask more of their evidence."""
    rng = np.random.default_rng(2018)  # not the training seed
    right = sum(classify(synthetic_plate(colour, rng)).colour == colour for _ in range(60))
    assert right >= (0.6 if colour in ("white", "black") else 0.9) * 60, right


def test_double_row_yellow_plates_are_yellow():
    rng = np.random.default_rng(2019)
    right = sum(classify(synthetic_plate("yellow", rng, double_row=True)).colour == "yellow" for _ in range(60))
    assert right >= 0.9 * 60


def test_a_double_row_plate_is_found_on_a_trucks_rear():
    rng = np.random.default_rng(7)
    scene = np.full((480, 640, 3), (70, 75, 80), np.uint8)
    cv2.rectangle(scene, (80, 60), (560, 420), (40, 120, 170), -1)  # the rear doors
    cv2.rectangle(scene, (80, 300), (560, 420), (30, 30, 30), -1)  # the bumper
    plate = cv2.resize(draw_plate("yellow", rng, double_row=True), (150, 75), interpolation=cv2.INTER_AREA)
    scene[320:395, 250:400] = plate
    analysis = analyse(scene, VEHICLE)
    assert analysis.box is not None and iou(analysis.box, (250, 320, 150, 75)) >= 0.5
    assert analysis.colour == "yellow"


def test_the_model_ships_in_the_repository():
    weights = shipped()
    assert {"mean", "scale", "members", "0_w1", "0_w2"} <= set(weights)
    assert weights["0_w2"].shape[1] == 6 and int(weights["members"]) >= 1
