"""The measured plate colour and the picture's quality in the rules engine (pure, no database)."""

from datetime import UTC, datetime

import pytest

from registry.rules import FirmFacts, Picture, Read, VehicleFacts, evaluate
from registry.rules.plan_2021 import as_policies

AT = datetime(2022, 5, 1, 2, 0, tzinfo=UTC)
POWER = FirmFacts(1, "power", 2_400_000, True, "B", "城区")
DIESEL_V = VehicleFacts("晋H20001", "yellow", "5", "diesel", "heavy_truck")
NEV = VehicleFacts("晋H00018D", "yellow_green", "D", "electric", "heavy_truck")
SHARP = {"sharpness": 300.0, "brightness": 100.0, "overexposed": 0.0, "plate_width": 140}


def verdict(read, vehicle=None, firm=POWER):
    return evaluate(read, vehicle, firm, (), frozenset(), as_policies())


def rules_of(result, severity=None):
    return [f.rule for f in result.findings if severity is None or f.severity == severity]


def test_a_new_energy_truck_whose_picture_shows_yellow_goes_to_review_and_says_why():
    # GA 36-2018: a large new-energy plate is yellow-green; the camera says so, the picture says yellow.
    read = Read("晋H00018D", "yellow_green", AT, Picture("yellow", 0.9, **SHARP))
    result = verdict(read, NEV)
    assert result.decision == "review" and "NEV_MISMATCH" in rules_of(result, "review")
    [disagreement] = [f for f in result.findings if f.note == "PICTURE_COLOUR"]
    assert disagreement.severity == "info" and "图片测得为黄牌" in disagreement.message_zh


def test_a_doubtful_colour_measurement_does_not_overrule_the_camera():
    read = Read("晋H00018D", "yellow_green", AT, Picture("yellow", 0.3, **SHARP))
    result = verdict(read, NEV)
    assert "NEV_MISMATCH" not in rules_of(result) and result.decision == "pass"


def test_an_unregistered_vehicle_the_camera_called_blue_but_the_picture_shows_yellow_is_reviewed():
    # The plan's scope is large vehicles (yellow and yellow-green plates): the picture brings it in.
    assert verdict(Read("晋H77777", "blue", AT)).decision == "pass"
    result = verdict(Read("晋H77777", "blue", AT, Picture("yellow", 0.95, **SHARP)))
    assert result.decision == "review" and "UNREGISTERED_VEHICLE" in rules_of(result)


@pytest.mark.parametrize(
    ("figures", "reason"),
    [
        ({"sharpness": 5.0}, "图片模糊"),
        ({"brightness": 10.0}, "图片过暗"),
        ({"overexposed": 0.8}, "图片过曝"),
        ({"plate_width": 30}, "车牌像素过小"),
    ],
)
def test_a_deny_resting_on_a_poor_picture_becomes_a_review_with_the_reason(figures, reason):
    clear = verdict(Read("晋H20001", "yellow", AT, Picture("yellow", 0.9, **SHARP)), DIESEL_V)
    assert clear.decision == "deny"  # China V at a power plant in the planning area (clause 16)
    poor = verdict(Read("晋H20001", "yellow", AT, Picture("yellow", 0.9, **(SHARP | figures))), DIESEL_V)
    assert poor.decision == "review"
    quality = [f for f in poor.findings if f.rule == "PICTURE_QUALITY"]
    assert quality and reason in quality[0].message_zh
    assert all(f.note == "PICTURE_QUALITY" for f in poor.findings if f.rule == "CLEAN_TRANSPORT")


def test_a_poor_picture_does_not_touch_a_pass():
    result = verdict(
        Read("晋H20001", "yellow", AT, Picture("yellow", 0.9, **(SHARP | {"sharpness": 1.0}))),
        VehicleFacts("晋H20001", "yellow", "6", "diesel", "heavy_truck"),
    )
    assert result.decision == "pass" and "PICTURE_QUALITY" not in rules_of(result)
