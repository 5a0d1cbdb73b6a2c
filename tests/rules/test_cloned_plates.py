"""套牌嫌疑 (CLONED_PLATE) in the rules engine: pure, no database. Distances are great-circle distances
between real places in Shanxi; the thresholds are the plan's policy row (data the bureau may change)."""

from datetime import UTC, datetime, timedelta

import pytest

from registry.rules import FirmFacts, Read, VehicleFacts, evaluate
from registry.rules.cloned import distance_km
from registry.rules.facts import Place, Sighting, Sightings
from registry.rules.plan_2021 import as_policies

AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
XINZHOU = Place(38.4167, 112.7341)  # a power plant's gate in Xinzhou
TAIYUAN = Place(37.8706, 112.5489)  # Taiyuan, about 63 km south
NEXT_DOOR = Place(38.4215, 112.7431)  # the same plant's other gate, under a kilometre away
POWER = FirmFacts(1, "power", 2_400_000, True, "B", "城区")
TRUCK = VehicleFacts("晋H20001", "yellow", "6", "diesel", "heavy_truck")


def judged(
    elsewhere=None,
    colour="yellow",
    contradictions=0,
    vehicle=TRUCK,
    here=XINZHOU,
    policies=None,
    kind=None,
    not_trucks=0,
):
    sightings = Sightings(here, elsewhere, contradictions, not_trucks)
    read = Read("晋H20001", colour, AT, vehicle_type=kind)
    return evaluate(read, vehicle, POWER, (), frozenset(), policies or as_policies(), sightings)


def seen(place, minutes_before, pass_id=7):
    return Sighting(pass_id, "太原某厂西门", AT - timedelta(minutes=minutes_before), place)


def cloned(verdict):
    return [f for f in verdict.findings if f.rule == "CLONED_PLATE"]


def test_the_distance_between_xinzhou_and_taiyuan():
    assert 60 < distance_km(XINZHOU, TAIYUAN) < 66
    assert distance_km(XINZHOU, XINZHOU) == 0


@pytest.mark.parametrize(
    ("elsewhere", "suspected"),
    [
        (seen(TAIYUAN, 20), True),  # 63 km in 20 min: 190 km/h
        (seen(TAIYUAN, 90), False),  # 63 km in 90 min: 42 km/h, a truck does that
        (seen(TAIYUAN, 0), True),  # the same moment at two places
        (seen(NEXT_DOOR, 0), False),  # the plant's other gate: too close to tell (min_distance_km)
        (seen(TAIYUAN, 60 * 7), False),  # outside the window (6 h): not compared
        (seen(None, 5), False),  # the other gate has no coordinates
        (None, False),
    ],
)
def test_two_reads_too_far_apart_for_a_truck_are_a_suspicion_for_review(elsewhere, suspected):
    verdict = judged(elsewhere)
    found = cloned(verdict)
    assert bool(found) == suspected
    if suspected:
        assert found[0].severity == "review" and found[0].related_pass_id == 7
        assert "套牌嫌疑" in found[0].message_zh and "太原某厂西门" in found[0].message_zh
        assert verdict.decision == "review"  # never a deny on its own


def test_without_the_gates_place_nothing_is_compared():
    assert not cloned(judged(seen(TAIYUAN, 5), here=None))


def test_a_colour_that_contradicts_the_registration_again_and_again():
    assert not cloned(judged(colour="blue", contradictions=1))  # twice: a misread, maybe
    found = cloned(judged(colour="blue", contradictions=2))  # the third time
    assert found and "第 3 次" in found[0].message_zh and found[0].related_pass_id is None
    assert not cloned(judged(colour="yellow", contradictions=10))  # this read agrees


def test_an_unregistered_plate_is_still_compared_across_gates():
    verdict = judged(seen(TAIYUAN, 10), vehicle=None)
    assert cloned(verdict) and {f.rule for f in verdict.findings} == {"CLONED_PLATE", "UNREGISTERED_VEHICLE"}


def test_the_thresholds_are_policy_data():
    faster = [
        p if p.rule != "CLONED_PLATE" else type(p)(p.id, p.rule, dict(p.params, max_speed_kmh=250), p.effective_from)
        for p in as_policies()
    ]
    assert not cloned(judged(seen(TAIYUAN, 20), policies=faster))  # 190 km/h is within 250
    assert cloned(judged(seen(TAIYUAN, 10), policies=faster))  # 380 km/h is not
    without = [p for p in as_policies() if p.rule != "CLONED_PLATE"]
    assert not cloned(judged(seen(TAIYUAN, 0), policies=without))


@pytest.mark.parametrize("kind", ["SaloonCar", "smallCar", "SUV/MPV", "suv_mpv", "轿车", "large bus"])
def test_a_truck_read_again_and_again_as_a_car_or_a_bus(kind):
    assert not cloned(judged(kind=kind, not_trucks=1))  # twice: the camera's classifier errs now and then
    found = cloned(judged(kind=kind, not_trucks=2))
    assert found and "重型货车" in found[0].message_zh and "第 3 次" in found[0].message_zh
    assert found[0].severity == "review" and judged(kind=kind, not_trucks=2).decision == "review"


@pytest.mark.parametrize("kind", ["truck", "LargeTruck", "mediumHeavyTruck", "Heavy-duty", "unknown", "", None])
def test_a_truck_read_as_a_truck_or_as_nothing_in_particular_is_no_sign(kind):
    assert not cloned(judged(kind=kind, not_trucks=10))


def test_only_the_classes_the_policy_names_are_contradicted():
    light = VehicleFacts("晋H20001", "yellow", "6", "diesel", "light_truck")
    assert not cloned(judged(kind="轿车", not_trucks=5, vehicle=light))  # a light truck may look like a van
    assert not cloned(judged(kind="轿车", not_trucks=5, vehicle=None))  # nothing registered to contradict


def test_the_cameras_words_are_policy_data():
    def with_params(**params):
        return [
            p if p.rule != "CLONED_PLATE" else type(p)(p.id, p.rule, dict(p.params, **params), p.effective_from)
            for p in as_policies()
        ]

    assert cloned(judged(kind="Sedan-X", not_trucks=5, policies=with_params(not_truck_types=["sedan x"])))
    assert not cloned(judged(kind="轿车", not_trucks=5, policies=with_params(not_truck_types=[])))
    assert not cloned(judged(kind="轿车", not_trucks=3, policies=with_params(type_contradictions=5)))
