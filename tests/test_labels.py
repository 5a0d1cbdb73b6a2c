"""One table of labels (registry.labels) names every code a person reads, in Chinese and English."""

import pytest

from registry.accounts.models import Role
from registry.alerts.models import AlertLevel
from registry.events.models import Decision, Direction, Severity, ViolationStatus
from registry.firms.models import Industry, PerformanceGrade
from registry.identifiers.plates import PlateColour
from registry.labels import LABELS, label, labels_of, words
from registry.machinery.models import InspectionResult, MachineStage
from registry.machinery.names import KINDS, NAMES
from registry.policies.schemas import RULES
from registry.vehicles.models import EmissionStage, FuelType, StageSource, VehicleClass

VOCABULARIES = {
    "role": Role,
    "industry": Industry,
    "grade": PerformanceGrade,
    "stage": EmissionStage,
    "stage_source": StageSource,
    "fuel": FuelType,
    "vehicle_class": VehicleClass,
    "alert_level": AlertLevel,
    "direction": Direction,
    "decision": Decision,
    "severity": Severity,
    "violation_status": ViolationStatus,
    "plate_colour": PlateColour,
} | {kind: enum for enum, kind in KINDS.items()}


@pytest.mark.parametrize("kind", sorted(VOCABULARIES))
def test_every_member_of_a_vocabulary_has_both_words(kind):
    codes = {member.value for member in VOCABULARIES[kind]}
    assert codes == set(LABELS[kind])
    for zh, en in LABELS[kind].values():
        assert any("\u4e00" <= c <= "\u9fff" for c in zh), zh
        assert en and en.isascii(), en


def test_every_rule_a_policy_can_name_has_a_label():
    assert set(RULES) <= set(LABELS["rule"])


def test_words_in_each_language_and_the_code_itself_when_unknown():
    assert words("stage", "2") == "国二" and words("stage", "2", "en") == "China II"
    assert words("stage", "D") == "新能源"
    assert words("rule", "STAGGERED_TRANSPORT") == "重污染天气错峰运输"
    assert words("decision", Decision.DENY, "en") == "deny"
    assert words("rule", "SOMETHING_NEW") == "SOMETHING_NEW" and words("rule", None) == ""


def test_the_readers_language_picks_the_word(app):
    with app.test_request_context("/?lang=en"):
        assert label("violation_status", "open") == "open"
        assert ("yellow", "yellow alert") in labels_of("alert_level")
    with app.test_request_context("/"):
        assert label("violation_status", "open") == "待处理"
        # the same code means different things in different vocabularies
        assert label("decision", "pass") == "允许通行" and NAMES(InspectionResult.PASS) == "合格"
        assert NAMES(MachineStage("X")) == "无排放阶段" and NAMES("X") == "无排放阶段"
