"""registry.pictures on its own: colours by the GA 36-2018 pairs, location, quality, the CLI."""

import json

import cv2
import numpy as np
import pytest

from registry.pictures.analysis import PLATE, VEHICLE, analyse
from registry.pictures.colour import COLOURS, classify_crop
from registry.pictures.decoding import ImageRejected, decode
from registry.pictures.evidence import annotate
from registry.pictures.locate import iou, locate_plates
from registry.pictures.quality import measure
from tests.support.pictures import PLATES, ga36_plate, labelled, real_photo, synthetic_plate

VEHICLE_PHOTO = "easypr/resources/image/general_test/浙B7C289.jpg"  # labelled: centre 1199,782, 152x39
VEHICLE_BOX = (1123, 762, 152, 39)


def image_of(data: bytes) -> np.ndarray:
    return decode(data)[0]


@pytest.mark.parametrize("colour", COLOURS)
def test_each_ga36_colour_pair_is_recognised(colour):
    reading = classify_crop(synthetic_plate(colour))
    assert reading.colour == colour and reading.confidence >= 0.5


@pytest.mark.parametrize("colour", ["blue", "yellow"])
def test_real_crops_of_the_common_colours(colour):
    assert classify_crop(image_of(real_photo(colour, "plate_crop"))).colour == colour


def test_a_blue_plate_under_a_yellow_cast_stays_blue():
    plate = synthetic_plate("blue").astype(np.float32)
    tinted = np.clip(plate * np.array([0.45, 1.0, 1.6]), 0, 255).astype(np.uint8)  # a sodium-lamp cast
    assert classify_crop(tinted).colour == "blue"


@pytest.mark.parametrize("cast", [(0.1, 0.9, 4.0), (0.05, 1.2, 6.0)])
def test_light_characters_make_a_blue_plate_whatever_the_cast(cast):
    """A cast beyond the capped correction turns a blue ground green or yellow, but of the GA 36 pairs
    only blue has light characters on a coloured ground; a yellow plate under the same cast stays
    yellow, since its characters are the dark class."""

    def tinted(colour):
        return np.clip(ga36_plate(colour) * np.array(cast), 0, 255).astype(np.uint8)

    assert classify_crop(tinted("blue")).colour == "blue"
    assert classify_crop(tinted("yellow")).colour == "yellow"
    for colour in ("blue", "yellow", "green", "white"):  # untinted, the geometry alone changes nothing
        assert classify_crop(ga36_plate(colour)).colour == colour


def test_the_plate_is_found_in_a_whole_vehicle_photo():
    image = image_of(labelled(VEHICLE_PHOTO))
    [best] = locate_plates(image, limit=1)
    assert iou(best.box, VEHICLE_BOX) >= 0.5
    analysis = analyse(image, VEHICLE)
    assert analysis.colour == "blue" and analysis.box == best.box and analysis.ms > 0


def test_a_camera_rectangle_is_used_instead_of_searching():
    image = image_of(labelled(VEHICLE_PHOTO))
    analysis = analyse(image, VEHICLE, VEHICLE_BOX)
    assert analysis.box == VEHICLE_BOX and analysis.colour == "blue"


def test_no_plate_in_a_plain_picture():
    analysis = analyse(np.full((480, 640, 3), 128, np.uint8), VEHICLE)
    assert analysis.colour is None and analysis.box is None


def test_blur_darkness_and_glare_show_in_the_quality_figures():
    plate = image_of(real_photo("yellow", "plate_crop"))
    sharp = measure(plate)
    blurred = measure(cv2.GaussianBlur(plate, (0, 0), plate.shape[0] / 10))
    assert blurred.sharpness < 25 < sharp.sharpness
    assert measure((plate * 0.1).astype(np.uint8)).brightness < 25
    assert measure(np.full_like(plate, 255)).overexposed == 1.0
    assert (sharp.plate_width, sharp.plate_height) == plate.shape[1::-1]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GIF89a....", "只接受 JPEG 或 PNG"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "JPEG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + (60000).to_bytes(4, "big") * 2 + b"\x08\x02", "图片尺寸不可接受"),
    ],
)
def test_unsafe_or_broken_pictures_are_refused_with_a_reason(data, reason):
    with pytest.raises(ImageRejected, match=reason):
        decode(data)


def test_a_picture_over_the_byte_cap_is_refused():
    with pytest.raises(ImageRejected, match="图片过大"):
        decode(real_photo("blue", "plate_crop"), max_bytes=100)


def test_the_evidence_picture_carries_chinese_text():
    image = image_of(labelled(VEHICLE_PHOTO))
    jpeg = annotate(image, VEHICLE_BOX, ["浙B7C289  禁止通行 / deny", "门禁 G0001-01 东门"], "deny")
    evidence = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert evidence.shape[0] > image.shape[0] * 1280 / image.shape[1]  # a banner was added under the picture
    banner = evidence[-60:]
    assert banner.std() > 10  # text was drawn (a CJK font was found)


def test_cli_prints_one_json_object_per_file(runner, tmp_path):
    crop = tmp_path / "crop.jpg"
    crop.write_bytes(real_photo("yellow", "plate_crop"))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    result = runner.invoke(args=["pictures", "classify", "--json", str(PLATES / VEHICLE_PHOTO), str(crop), str(broken)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["file"] for line in lines] == [str(PLATES / VEHICLE_PHOTO), str(crop), str(broken)]
    for line in lines:
        assert {"file", "colour", "confidence", "box", "sharpness", "ms"} <= set(line)
    vehicle, plate, unreadable = lines
    assert vehicle["colour"] == "blue" and iou(tuple(vehicle["box"]), VEHICLE_BOX) >= 0.5 and vehicle["kind"] == VEHICLE
    assert plate["colour"] == "yellow" and plate["kind"] == PLATE
    assert unreadable["colour"] is None and "error" in unreadable
    text = runner.invoke(args=["pictures", "classify", str(crop)])
    assert "yellow" in text.output and "sharpness=" in text.output and " ms" in text.output
