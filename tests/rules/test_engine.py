"""The rules engine against tables of cases; each row names the clause or standard it comes from.

Pure: no app, no database (the autouse transaction fixture is not needed here).
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from registry.rules import AlertFacts, FirmFacts, Read, VehicleFacts, evaluate
from registry.rules.plan_2021 import as_policies

CST = timezone(timedelta(hours=8))
PLAN = as_policies()


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def truck(stage="6", fuel="diesel", cls="heavy_truck", registered=None, plate="晋H12345", colour=None):
    colour = colour or ("yellow_green" if stage == "D" else "yellow")
    return VehicleFacts(plate, colour, stage, fuel, cls, registered and date.fromisoformat(registered))


def firm(tonnes=0, industry="steel", area=False, grade="A", region="城区"):
    return FirmFacts(1, industry, tonnes, area, grade, region)


def check(vehicle, the_firm=None, at="2022-06-15T10:00", alerts=(), exempted=(), plate=None, colour=None):
    moment = at if isinstance(at, datetime) else local(at)
    read = Read(
        plate or (vehicle.plate if vehicle else "晋H12345"), colour or (vehicle and vehicle.plate_color), moment
    )
    return evaluate(read, vehicle, the_firm, alerts, frozenset(exempted), PLAN)


def rules(verdict, severity=None):
    return {f.rule for f in verdict.findings if severity is None or f.severity == severity}


MILLION_AND_A_HALF = 1_500_000

# (case, clause, vehicle, firm, moment, decision, deny rules)
FREIGHT_CASES = [
    (
        "2021: China IV at exactly 1.5 Mt",
        "(15) 以上 includes the bound",
        truck("4"),
        firm(MILLION_AND_A_HALF),
        local("2021-06-15T10:00"),
        "deny",
        {"FREIGHT_STAGE"},
    ),
    (
        "2021: China IV just under 1.5 Mt",
        "(15)",
        truck("4"),
        firm(MILLION_AND_A_HALF - 1),
        local("2021-06-15T10:00"),
        "pass",
        set(),
    ),
    (
        "2021: China V at 1.5 Mt",
        "(15) China V in 2021",
        truck("5"),
        firm(MILLION_AND_A_HALF),
        local("2021-06-15T10:00"),
        "pass",
        set(),
    ),
    (
        "last local minute of 2021, China V",
        "(15) local dates",
        truck("5"),
        firm(MILLION_AND_A_HALF),
        utc("2021-12-31T15:59:59"),
        "pass",
        set(),
    ),
    (
        "UTC 2021-12-31 16:30 is 2022-01-01 local",
        "(15) China VI from 2022; local dates",
        truck("5"),
        firm(MILLION_AND_A_HALF),
        utc("2021-12-31T16:30"),
        "deny",
        {"FREIGHT_STAGE"},
    ),
    ("2022: China VI", "(15)", truck("6"), firm(3_000_000), local("2022-01-01T00:00"), "pass", set()),
    (
        "2022: new-energy always passes",
        "(15)",
        truck("D", "electric"),
        firm(3_000_000),
        local("2022-03-01T08:00"),
        "pass",
        set(),
    ),
    (
        "2022: gas China V",
        "(15)",
        truck("5", "gas"),
        firm(3_000_000),
        local("2022-03-01T08:00"),
        "deny",
        {"FREIGHT_STAGE"},
    ),
    ("2022: small freight firm, China V", "(15)", truck("5"), firm(200_000), local("2022-03-01T08:00"), "pass", set()),
]

CLEAN_CASES = [
    (
        "power firm, last minute of 2021-09-30",
        "(15) from 2021-10-01",
        truck("5"),
        firm(industry="power", area=True),
        local("2021-09-30T23:59"),
        "pass",
        set(),
    ),
    (
        "power firm, UTC 2021-09-30 16:00 is 10-01 local",
        "(15) from 2021-10-01",
        truck("5"),
        firm(industry="power", area=True),
        utc("2021-09-30T16:00"),
        "deny",
        {"CLEAN_TRANSPORT"},
    ),
    (
        "coking firm in planning area, China VI",
        "(15)",
        truck("6"),
        firm(industry="coking", area=True),
        local("2021-10-01T09:00"),
        "pass",
        set(),
    ),
    (
        "coking firm, new energy",
        "(15)",
        truck("D", "electric"),
        firm(industry="coking", area=True),
        local("2021-10-01T09:00"),
        "pass",
        set(),
    ),
    (
        "coking firm, gas China VI",
        "(15)",
        truck("6", "gas"),
        firm(industry="coking", area=True),
        local("2021-10-01T09:00"),
        "pass",
        set(),
    ),
    (
        "coking firm, gas China V",
        "(15)",
        truck("5", "gas"),
        firm(industry="coking", area=True),
        local("2021-10-01T09:00"),
        "deny",
        {"CLEAN_TRANSPORT"},
    ),
    (
        "power firm outside the planning area",
        "(15) planning area only",
        truck("5"),
        firm(industry="power", area=False),
        local("2021-10-02T09:00"),
        "pass",
        set(),
    ),
    (
        "steel firm inside the planning area",
        "(15) power and coking only",
        truck("5"),
        firm(industry="steel", area=True),
        local("2021-10-02T09:00"),
        "pass",
        set(),
    ),
]

PHASE_OUT_CASES = [
    ("diesel China III", "(17)", truck("3"), firm(), local("2021-06-15T10:00"), "deny", {"PHASE_OUT"}),
    ("diesel China 0", "(17)", truck("0"), firm(), local("2025-06-15T10:00"), "deny", {"PHASE_OUT"}),
    ("diesel China IV", "(17) III and older only", truck("4"), firm(), local("2025-06-15T10:00"), "pass", set()),
    ("gas China III", "(17) diesel trucks only", truck("3", "gas"), firm(), local("2025-06-15T10:00"), "pass", set()),
    (
        "diesel China III, no firm known",
        "(17) at any time",
        truck("3"),
        None,
        local("2025-06-15T10:00"),
        "deny",
        {"PHASE_OUT"},
    ),
    (
        "everything at once",
        "(15)+(17)",
        truck("3"),
        firm(2_000_000, "power", True),
        local("2022-05-01T10:00"),
        "deny",
        {"PHASE_OUT", "FREIGHT_STAGE", "CLEAN_TRANSPORT"},
    ),
]


@pytest.mark.parametrize(
    ("case", "clause", "vehicle", "the_firm", "moment", "decision", "denied"),
    FREIGHT_CASES + CLEAN_CASES + PHASE_OUT_CASES,
    ids=[c[0] for c in FREIGHT_CASES + CLEAN_CASES + PHASE_OUT_CASES],
)
def test_stage_rules(case, clause, vehicle, the_firm, moment, decision, denied):
    verdict = check(vehicle, the_firm, moment)
    assert verdict.decision == decision, case
    assert rules(verdict, "deny") == denied, clause
    for finding in verdict.findings:
        assert finding.message_zh and finding.message_en and finding.clause


# Grade x level (clause (15), MEE 2020 guide): for each grade, the outcome for a diesel China IV,
# a gas China IV, a China V and a new-energy truck, at every alert level alike.
STAGGERED_TABLE = {
    "A": ("pass", "pass", "pass", "pass"),
    "leading": ("pass", "pass", "pass", "pass"),
    "B": ("deny", "deny", "pass", "pass"),
    "C": ("deny", "deny", "pass", "pass"),
    "unrated": ("deny", "deny", "pass", "pass"),
    "D": ("deny", "deny", "deny", "deny"),
}
TRUCKS = (truck("4"), truck("4", "gas"), truck("5"), truck("D", "electric"))


def alert(level="orange", region=None, start="2022-02-01T00:00", end="2022-02-04T00:00", ident=7):
    return AlertFacts(ident, level, region, local(start), local(end))


@pytest.mark.parametrize("level", ["yellow", "orange", "red"])
@pytest.mark.parametrize("grade", list(STAGGERED_TABLE))
def test_staggered_transport_by_grade_and_level(grade, level):
    for vehicle, expected in zip(TRUCKS, STAGGERED_TABLE[grade], strict=True):
        verdict = check(vehicle, firm(grade=grade), "2022-02-02T10:00", alerts=[alert(level)])
        assert verdict.decision == expected, (grade, level, vehicle)
        assert rules(verdict, "deny") == ({"STAGGERED_TRANSPORT"} if expected == "deny" else set())
        if expected == "deny":
            assert verdict.alert_ids == (7,)


@pytest.mark.parametrize(
    ("case", "alerts", "moment", "decision"),
    [
        ("no alert", [], "2022-02-02T10:00", "pass"),
        ("alert ended before the read", [alert(end="2022-02-02T09:59")], "2022-02-02T10:00", "pass"),
        ("alert ends exactly at the read", [alert(end="2022-02-02T10:00")], "2022-02-02T10:00", "pass"),
        ("alert not yet started", [alert(start="2022-02-02T10:01")], "2022-02-02T10:00", "pass"),
        ("alert starts exactly at the read", [alert(start="2022-02-02T10:00")], "2022-02-02T10:00", "deny"),
        ("alert for another region", [alert(region="播明镇")], "2022-02-02T10:00", "pass"),
        ("alert for the firm's region", [alert(region="城区")], "2022-02-02T10:00", "deny"),
        ("alert for the whole district (empty region)", [alert(region="")], "2022-02-02T10:00", "deny"),
    ],
)
def test_alert_time_and_region(case, alerts, moment, decision):
    """Clause (15): staggered transport applies while an alert covers the firm's region."""
    assert check(truck("4"), firm(grade="B"), moment, alerts=alerts).decision == decision, case


def test_exemption_turns_the_finding_into_a_noted_pass():
    """Exemptions need prior approval (DOMAIN.md 2): an approved one for this alert passes, noted."""
    verdict = check(truck("4"), firm(grade="C"), "2022-02-02T10:00", alerts=[alert()], exempted={7})
    assert verdict.decision == "pass"
    [finding] = verdict.findings
    assert (finding.rule, finding.severity, finding.note) == ("STAGGERED_TRANSPORT", "info", "EXEMPTED")
    other = check(truck("4"), firm(grade="C"), "2022-02-02T10:00", alerts=[alert()], exempted={8})
    assert other.decision == "deny"


def test_exemption_does_not_lift_other_rules():
    verdict = check(truck("3"), firm(grade="C"), "2022-02-02T10:00", alerts=[alert()], exempted={7})
    assert verdict.decision == "deny" and rules(verdict, "deny") == {"PHASE_OUT"}


@pytest.mark.parametrize(
    ("case", "clause", "vehicle", "stage", "inferred"),
    [
        (
            "diesel registered 2021-06-30",
            "(16) China VI from 2021-07-01",
            truck(None, registered="2021-06-30"),
            "5",
            True,
        ),
        ("diesel registered 2021-07-01", "(16)", truck(None, registered="2021-07-01"), "6", True),
        (
            "gas registered 2019-07-01",
            "GB 17691 gas VI-a 2019-07-01",
            truck(None, "gas", registered="2019-07-01"),
            "6",
            True,
        ),
        (
            "diesel registered 2017-06-30",
            "GB 17691 China V 2017-07-01",
            truck(None, registered="2017-06-30"),
            "4",
            True,
        ),
        ("diesel registered 2005", "before China III", truck(None, registered="2005-03-01"), "2", True),
        ("electric without a stage", "NEV", truck(None, "electric"), "D", True),
        ("declared stage wins", "declared", truck("5", registered="2022-01-01"), "5", False),
    ],
)
def test_stage_inference(case, clause, vehicle, stage, inferred):
    verdict = check(vehicle, firm(), "2022-06-15T10:00")
    assert (verdict.stage, verdict.stage_inferred) == (stage, inferred), clause


def test_inferred_stage_feeds_the_rules():
    verdict = check(truck(None, registered="2021-06-30"), firm(MILLION_AND_A_HALF), "2022-06-15T10:00")
    assert verdict.decision == "deny" and verdict.stage_inferred
    assert rules(verdict) == {"FREIGHT_STAGE"}


def test_no_stage_and_no_date_is_stage_unknown_for_review():
    verdict = check(truck(None), firm(MILLION_AND_A_HALF, "power", True), "2022-06-15T10:00")
    assert verdict.decision == "review" and rules(verdict) == {"STAGE_UNKNOWN"}


def test_grade_d_alert_denies_even_an_unknown_stage():
    verdict = check(truck(None), firm(grade="D"), "2022-02-02T10:00", alerts=[alert()])
    assert verdict.decision == "deny" and rules(verdict) == {"STAGE_UNKNOWN", "STAGGERED_TRANSPORT"}


@pytest.mark.parametrize(
    ("case", "colour", "decision"),
    [
        ("yellow plate, not registered", "yellow", "review"),
        ("yellow-green plate, not registered", "yellow_green", "review"),
        ("blue plate, not registered: small vehicle", "blue", "pass"),
        ("gradient green plate, not registered: small NEV", "green", "pass"),
    ],
)
def test_unregistered_vehicles(case, colour, decision):
    """GA 36-2018: yellow and yellow-green plates are large vehicles, the plan's scope."""
    verdict = check(None, firm(grade="D"), "2022-02-02T10:00", alerts=[alert()], plate="晋H99999", colour=colour)
    assert verdict.decision == decision, case
    assert rules(verdict) == ({"UNREGISTERED_VEHICLE"} if decision == "review" else set())


@pytest.mark.parametrize(
    ("case", "vehicle", "colour", "mismatch"),
    [
        ("registered NEV read yellow", truck("D", "electric", colour="yellow_green"), "yellow", True),
        ("registered diesel read yellow-green", truck("6"), "yellow_green", True),
        ("registered NEV read yellow-green", truck("D", "electric", colour="yellow_green"), "yellow_green", False),
        ("registered diesel read yellow", truck("6"), "yellow", False),
    ],
)
def test_nev_mismatch(case, vehicle, colour, mismatch):
    """GA 36-2018: large new-energy vehicles carry yellow-green plates."""
    verdict = check(vehicle, firm(), colour=colour)
    assert ("NEV_MISMATCH" in rules(verdict, "review")) == mismatch, case


def test_unreadable_plate_is_review_and_no_other_rule_runs():
    verdict = check(None, firm(grade="D"), "2022-02-02T10:00", alerts=[alert()], plate="晋H1234", colour="yellow")
    assert verdict.decision == "review" and rules(verdict) == {"UNREADABLE_PLATE"}
    assert verdict.policy_ids == (11,)


@pytest.mark.parametrize("cls", ["light_truck", "special", "other"])
def test_small_and_other_vehicles_pass_without_findings(cls):
    """Plan scope: heavy and medium trucks and tractors only."""
    verdict = check(
        truck("3", cls=cls, colour="blue"), firm(2_000_000, "power", True, "D"), "2022-02-02T10:00", alerts=[alert()]
    )
    assert verdict.decision == "pass" and verdict.findings == ()


@pytest.mark.parametrize("read", ["晋h·1234５", " 黄晋H12345 ", "晋H1234S"])
def test_plates_that_need_normalisation(read):
    verdict = check(truck("6"), firm(), plate=read)
    assert verdict.plate in ("晋H12345", "晋H1234S")
    assert verdict.decision == "pass"


def test_policy_versions_used_follow_the_local_date():
    in_2021 = check(truck("6"), firm(MILLION_AND_A_HALF), "2021-12-31T23:59")
    in_2022 = check(truck("6"), firm(MILLION_AND_A_HALF), "2022-01-01T00:00")
    assert 3 in in_2021.policy_ids and 4 not in in_2021.policy_ids
    assert 4 in in_2022.policy_ids and 3 not in in_2022.policy_ids


def test_a_policy_no_longer_in_force_is_not_applied():
    ended = [replace(p, effective_to=date(2021, 12, 31)) if p.rule == "PHASE_OUT" else p for p in PLAN]
    read = Read("晋H12345", "yellow", local("2022-06-01T10:00"))
    assert evaluate(read, truck("3"), firm(), (), frozenset(), ended).decision == "pass"


def test_deterministic_and_independent_of_input_order():
    args = (truck("4"), firm(MILLION_AND_A_HALF, "power", True, "B"), "2022-02-02T10:00")
    first = check(*args, alerts=[alert(ident=2), alert(ident=1)])
    read = Read("晋H12345", "yellow", local("2022-02-02T10:00"))
    second = evaluate(read, *args[:2], [alert(ident=1), alert(ident=2)], frozenset(), list(reversed(PLAN)))
    assert first == second
    assert first.as_dict()["decision"] == "deny"
