"""The roadside rules against tables of cases (plan clauses 4(4), 15 and 18; HJ 845-2017 as the bureau
sets it; DOMAIN.md 9). Pure: no app, no database."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from registry.rules import AlertFacts, EmitterFacts, Read, VehicleFacts, evaluate, evaluate_checkpoint
from registry.rules.emitters import Exceedance, months_before, suspected
from registry.rules.plan_2021 import as_policies
from registry.rules.sensing import Measurement, judge
from registry.rules.zones import PermitFacts, ZoneFacts, in_season, origin_of, within

CST = timezone(timedelta(hours=8))
PLAN = as_policies()
SENSING = next(p for p in PLAN if p.rule == "REMOTE_SENSING").params
EMITTER = next(p for p in PLAN if p.rule == "HIGH_EMITTER").params


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


# ---- REMOTE_SENSING (clause 4(4); HJ 845's values unconfirmed: the seeded policy's) ----
@pytest.mark.parametrize(
    ("fields", "valid", "reasons", "exceeded"),
    [
        ({"opacity": 12.0}, True, (), ()),
        ({"opacity": 31.5}, True, (), ("opacity",)),
        ({"opacity": 31.5, "ringelmann": 2}, True, (), ("opacity", "ringelmann")),
        ({"ringelmann": 1}, True, (), ()),  # grade 1 is the limit itself, not over it
        ({"opacity": 50.0, "station_valid": False}, False, ("station_invalid",), ()),  # invalid never counts
        ({"opacity": 50.0, "wind_speed": 7.2}, False, ("wind_high",), ()),
        ({"opacity": 50.0, "speed_kmh": 3.0}, False, ("speed_low",), ()),
        ({"opacity": 50.0, "temperature": -25.0, "humidity": 99.0}, False, ("temperature_low", "humidity_high"), ()),
        ({"no_ppm": 2500.0}, True, (), ()),  # no NO limit found (DOMAIN.md 9): not judged
        ({"fuel": "gasoline", "opacity": 80.0}, True, (), ()),  # opacity is judged for diesel only
    ],
)
def test_a_result_is_judged_valid_or_not_and_within_or_over_each_limit(fields, valid, reasons, exceeded):
    judgement = judge(Measurement("晋H12345", **{"fuel": "diesel", **fields}), SENSING)
    assert (judgement.valid, judgement.reasons, judgement.exceeded) == (valid, reasons, exceeded)


def test_a_limit_the_bureau_sets_is_judged_and_a_result_without_a_policy_is_not_valid():
    params = {**SENSING, "limits": {"diesel": {"no_ppm": 1500.0}}}
    judgement = judge(Measurement("晋H12345", "diesel", no_ppm=1800.0), params)
    assert judgement.exceeded == ("no_ppm",) and judgement.judged == {"no_ppm": (1800.0, 1500.0)}
    assert judge(Measurement("晋H12345", "diesel", opacity=90.0), None).reasons == ("no_policy",)
    assert judge(Measurement("", "diesel", opacity=90.0), SENSING).reasons == ("no_plate",)


# ---- HIGH_EMITTER (clause 15; Beijing's practice, DOMAIN.md 9) ----
NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)


def over(record_id, days_ago, pollutant="opacity", kind="sensing"):
    return Exceedance(kind, record_id, NOW - timedelta(days=days_ago), pollutant)


@pytest.mark.parametrize(
    ("evidence", "reasons"),
    [
        ([over(1, 10)], None),  # once is not enough
        ([over(1, 10), over(2, 100)], ("repeat:opacity",)),  # twice within six months
        ([over(1, 10), over(2, 200)], None),  # the first is older than six months
        ([over(1, 10), over(2, 20, "no_ppm")], None),  # not the same pollutant
        ([over(1, 1, "smoke", "smoke")], ("smoke",)),  # one confirmed capture
        ([over(1, 10), over(1, 10, "ringelmann"), over(2, 30), over(2, 30, "ringelmann")],
         ("repeat:opacity", "repeat:ringelmann")),
    ],
)  # fmt: skip
def test_a_truck_is_suspected_after_its_second_exceedance_within_the_window(evidence, reasons):
    found = suspected(evidence, NOW, EMITTER)
    assert (found.reasons if found else None) == reasons


def test_months_are_calendar_months():
    assert months_before(datetime(2026, 8, 31, tzinfo=UTC), 6) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2026, 3, 15, tzinfo=UTC), 6) == datetime(2025, 9, 15, tzinfo=UTC)


def test_a_listed_truck_is_a_review_at_the_gate_and_an_unlisted_one_is_not():
    vehicle = VehicleFacts("晋H12345", "yellow", "6", "diesel", "heavy_truck")
    read = Read("晋H12345", "yellow", local("2026-12-01T10:00"))
    listed = evaluate(read, vehicle, None, policies=PLAN, emitter=EmitterFacts(NOW, ("repeat:opacity",)))
    assert listed.decision == "review"
    assert [f.rule for f in listed.findings] == ["HIGH_EMITTER"]
    assert "疑似高排放车辆" in listed.findings[0].message_zh
    assert evaluate(read, vehicle, None, policies=PLAN).decision == "pass"


# ---- RESTRICTION_ZONE at a checkpoint (clause 18; Jincheng's and Chengdu's rules as examples) ----
NIGHT_BAN = ZoneFacts(
    1, "环城路以内", "晋城市2020年10月通告 第二条", hours_from="20:00", hours_to="08:00", max_stage="4",
    vehicle_classes=("heavy_truck", "medium_truck", "tractor"), origin="transit", local_prefixes=("晋H",),
    season_from="10-01", season_to="03-31",
)  # fmt: skip


def at_checkpoint(plate, stage, when, permits=(), zones=(NIGHT_BAN,), alerts=(), colour="yellow", registered=True):
    vehicle = VehicleFacts(plate, colour, stage, "diesel", "heavy_truck") if registered else None
    return evaluate_checkpoint(Read(plate, colour, local(when)), vehicle, zones, permits, alerts, PLAN)


@pytest.mark.parametrize(
    ("plate", "stage", "when", "decision"),
    [
        ("冀A12345", "4", "2026-12-01T22:30", "deny"),  # transit China IV inside the hours: a case
        ("冀A12345", "4", "2026-12-01T12:00", "pass"),  # outside the hours
        ("冀A12345", "4", "2026-07-01T22:30", "pass"),  # outside the season
        ("冀A12345", "5", "2026-12-01T22:30", "pass"),  # China V is not banned
        ("冀A12345", "D", "2026-12-01T22:30", "pass"),  # new energy is not banned
        ("晋H12345", "4", "2026-12-01T22:30", "pass"),  # a local plate is not transit
        ("晋H12345", "6", "2026-12-01T23:30", "pass"),  # a local China VI
        ("冀A12345", "3", "2026-12-02T07:59", "deny"),  # over midnight, still inside
    ],
)
def test_a_checkpoint_makes_a_case_of_a_truck_the_zone_bans_then(plate, stage, when, decision):
    assert at_checkpoint(plate, stage, when).decision == decision


def test_a_valid_electronic_pass_covers_the_truck_and_an_expired_one_does_not():
    valid = PermitFacts(
        "TX20261201001", "pass", 1, date(2026, 12, 1), date(2026, 12, 31), "20:00", "23:00", "二广高速—化工园区"
    )
    verdict = at_checkpoint("冀A12345", "4", "2026-12-01T22:30", permits=(valid,))
    assert verdict.decision == "pass" and verdict.findings[0].note == "PERMITTED"
    assert verdict.findings[0].detail["permit"] == "TX20261201001"
    expired = PermitFacts("TX20261101001", "pass", 1, date(2026, 11, 1), date(2026, 11, 30))
    assert at_checkpoint("冀A12345", "4", "2026-12-01T22:30", permits=(expired,)).decision == "deny"
    other_hours = PermitFacts("TX20261201002", "pass", None, date(2026, 12, 1), date(2026, 12, 31), "08:00", "18:00")
    assert at_checkpoint("冀A12345", "4", "2026-12-01T22:30", permits=(other_hours,)).decision == "deny"


def test_a_truck_the_registry_does_not_know_is_a_question_by_its_colour_never_a_case():
    unknown = at_checkpoint("冀A12345", None, "2026-12-01T22:30", registered=False)
    assert unknown.decision == "review" and "排放阶段不明" in unknown.findings[0].message_zh
    blue = at_checkpoint("冀A12345", None, "2026-12-01T22:30", registered=False, colour="blue")
    assert blue.decision == "pass"


def test_a_zone_tied_to_an_alert_level_holds_only_during_such_an_alert():
    orange_only = ZoneFacts(
        2, "城区", "重污染天气应急", hours_from="20:00", hours_to="08:00", alert_levels=("orange", "red")
    )
    moment = local("2026-12-01T22:30")
    orange = AlertFacts(7, "orange", None, moment - timedelta(hours=5), moment + timedelta(hours=20))
    yellow = AlertFacts(8, "yellow", None, moment - timedelta(hours=5), moment + timedelta(hours=20))
    assert at_checkpoint("冀A12345", "6", "2026-12-01T22:30", zones=(orange_only,), alerts=(orange,)).decision == "deny"
    assert at_checkpoint("冀A12345", "6", "2026-12-01T22:30", zones=(orange_only,), alerts=(yellow,)).decision == "pass"
    assert at_checkpoint("冀A12345", "6", "2026-12-01T22:30", zones=(orange_only,)).decision == "pass"


def test_spans_over_a_boundary():
    assert within(1, 22, 6) and within(23, 22, 6) and not within(12, 22, 6)
    assert in_season(date(2027, 1, 15), "10-01", "03-31") and not in_season(date(2026, 7, 1), "10-01", "03-31")
    assert origin_of("晋H12345", ["晋H"]) == "local" and origin_of("晋A12345", ["晋H"]) == "transit"
