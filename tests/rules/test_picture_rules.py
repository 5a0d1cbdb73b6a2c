"""The measured plate colour and the picture's quality in the rules engine (pure, no database)."""

from dataclasses import replace
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


def test_a_picture_that_disagrees_with_the_camera_asks_a_person_and_never_changes_the_decision():
    # GA 36-2018: a large new-energy plate is yellow-green; the camera says so, the picture says yellow.
    read = Read("晋H00018D", "yellow_green", AT, Picture("yellow", 0.9, **SHARP))
    result = verdict(read, NEV)
    assert result.decision == "pass" and "NEV_MISMATCH" not in rules_of(result)
    [question] = result.questions
    assert (question.rule, question.severity) == ("PICTURE_COLOUR", "review")
    assert "图片测得为黄牌" in question.message_zh and "闸机按摄像机颜色判定" in question.message_zh
    assert dict(question.detail) == {
        "camera_colour": "yellow_green",
        "measured_colour": "yellow",
        "confidence": 0.9,
        "decided_by": "camera",
    }


def test_an_unregistered_yellow_plate_the_picture_reads_blue_is_judged_by_the_camera():
    # The analysis is right for about 8 whole-vehicle photos in 10 (docs/pictures.md): a truck the
    # camera read yellow stays in scope (unregistered: review), whatever the picture says.
    result = verdict(Read("晋H77777", "yellow", AT, Picture("blue", 0.97, **SHARP)))
    assert result.decision == "review" and rules_of(result) == ["UNREGISTERED_VEHICLE"]
    assert [q.rule for q in result.questions] == ["PICTURE_COLOUR"]
    camera_blue = verdict(Read("晋H77777", "blue", AT, Picture("yellow", 0.97, **SHARP)))
    assert camera_blue.decision == "pass" and [q.rule for q in camera_blue.questions] == ["PICTURE_COLOUR"]


def test_a_doubtful_colour_measurement_asks_nothing():
    read = Read("晋H00018D", "yellow_green", AT, Picture("yellow", 0.3, **SHARP))
    result = verdict(read, NEV)
    assert result.decision == "pass" and not result.questions and not result.findings


def overruling(**params):
    policies = as_policies()
    colour = next(p for p in policies if p.rule == "PICTURE_COLOUR")
    return [p if p is not colour else replace(p, params=dict(p.params) | params) for p in policies]


def test_only_a_policy_naming_its_measured_precision_lets_the_picture_decide():
    read = Read("晋H77777", "blue", AT, Picture("yellow", 0.95, **SHARP))
    unnamed = evaluate(read, None, POWER, (), frozenset(), overruling(overrules_camera=True))
    assert unnamed.decision == "pass"  # no precision named: the camera's colour still decides
    named = evaluate(read, None, POWER, (), frozenset(), overruling(overrules_camera=True, measured_precision=0.98))
    assert named.decision == "review" and "UNREGISTERED_VEHICLE" in rules_of(named)
    [question] = named.questions
    assert question.detail["decided_by"] == "picture" and question.detail["measured_precision"] == 0.98
    assert "按本局政策以图片颜色判定" in question.message_zh


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
