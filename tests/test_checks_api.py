"""POST /api/v1/checks: the facts come from the database, the verdict from the one engine."""

import pytest

from registry.alerts.models import Alert, AlertLevel, Exemption
from registry.common.time import utcnow
from registry.extensions import db


@pytest.fixture
def power_plant(make_firm):
    return make_firm(
        name="华电热电",
        industry="power",
        in_planning_area=True,
        annual_freight_tonnes=2_400_000,
        performance_grade="B",
        region="城区",
    )


def check(client, headers, **body):
    response = client.post("/api/v1/checks", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def rules(verdict):
    return {f["rule"] for f in verdict["findings"]}


def add_alert(level="orange", region=None, start="2022-02-01T00:00:00+08:00", end="2022-02-04T00:00:00+08:00"):
    from datetime import datetime

    alert = Alert(
        level=AlertLevel(level),
        region=region,
        starts_at=datetime.fromisoformat(start),
        ends_at=datetime.fromisoformat(end),
    )
    db.session.add(alert)
    db.session.commit()
    return alert


def test_verdict_shape_and_a_pass(client, bureau, power_plant, make_vehicle):
    make_vehicle(plate="晋H10001", emission_stage="6")
    verdict = check(
        client, bureau, plate="晋H10001", plate_color="yellow", firm_id=power_plant.id, at="2022-03-01T10:00:00+08:00"
    )
    assert verdict["decision"] == "pass" and verdict["findings"] == []
    assert set(verdict) >= {"decision", "findings", "policy_ids", "stage_inferred"}
    assert 4 in verdict["policy_ids"] and 3 not in verdict["policy_ids"]


def test_utc_moment_crossing_local_midnight(client, bureau, power_plant, make_vehicle):
    """(15): 2021-12-31T16:30Z is 2022-01-01 local, when China VI becomes the minimum."""
    make_vehicle(plate="晋H10001", emission_stage="5")
    late_2021 = check(
        client, bureau, plate="晋H10001", plate_color="yellow", firm_id=power_plant.id, at="2021-12-31T15:30:00Z"
    )
    assert rules(late_2021) == {"CLEAN_TRANSPORT"}  # power firm in the planning area since 2021-10-01
    new_year = check(
        client, bureau, plate="晋H10001", plate_color="yellow", firm_id=power_plant.id, at="2021-12-31T16:30:00Z"
    )
    assert new_year["decision"] == "deny" and rules(new_year) == {"CLEAN_TRANSPORT", "FREIGHT_STAGE"}
    first = next(f for f in new_year["findings"] if f["rule"] == "FREIGHT_STAGE")
    assert "（15）" in first["clause"] and first["message_zh"] and first["message_en"] and first["severity"] == "deny"


def test_alert_exemption_and_early_end(client, bureau, power_plant, make_vehicle):
    make_vehicle(plate="晋H30001", emission_stage="4")
    read = {"plate": "晋H30001", "plate_color": "yellow", "at": "2022-02-02T10:00:00+08:00"}
    power_plant.annual_freight_tonnes, power_plant.in_planning_area = 0, False
    db.session.commit()
    alert = add_alert()
    denied = check(client, bureau, firm_id=power_plant.id, **read)
    assert denied["decision"] == "deny" and rules(denied) == {"STAGGERED_TRANSPORT"}
    assert denied["alert_ids"] == [alert.id]

    db.session.add(Exemption(alert=alert, plate="晋H30001", reason="民生保障"))
    db.session.commit()
    exempted = check(client, bureau, firm_id=power_plant.id, **read)
    assert exempted["decision"] == "pass"
    assert [(f["severity"], f.get("note")) for f in exempted["findings"]] == [("info", "EXEMPTED")]

    from datetime import datetime

    alert.ended_early_at = datetime.fromisoformat("2022-02-02T09:00:00+08:00")
    db.session.query(Exemption).delete()
    db.session.commit()
    assert check(client, bureau, firm_id=power_plant.id, **read)["decision"] == "pass"


def test_alert_for_another_region_does_not_apply(client, bureau, make_firm, make_vehicle):
    firm = make_firm(performance_grade="C", region="播明镇")
    make_vehicle(plate="晋H30001", emission_stage="4")
    add_alert(region="城区")
    verdict = check(
        client, bureau, plate="晋H30001", plate_color="yellow", firm_id=firm.id, at="2022-02-02T10:00:00+08:00"
    )
    assert verdict["decision"] == "pass"


def test_unregistered_plate_gets_lookalike_suggestions(client, bureau, power_plant, make_vehicle):
    make_vehicle(plate="晋H18347")
    verdict = check(client, bureau, plate="晋H1B347", plate_color="yellow", firm_id=power_plant.id)
    assert verdict["decision"] == "review" and rules(verdict) == {"UNREGISTERED_VEHICLE"}
    assert verdict["suggestions"] == ["晋H18347"]


def test_inferred_stage_and_normalised_plate(client, bureau, power_plant, make_vehicle):
    make_vehicle(plate="晋H50001", emission_stage=None, registration_date="2021-06-30")
    verdict = check(
        client,
        bureau,
        plate=" 黄晋h·5OOO1 ",
        plate_color="yellow",
        firm_id=power_plant.id,
        at="2022-03-01T10:00:00+08:00",
    )
    assert verdict["plate"] == "晋H50001" and verdict["stage_inferred"] is True
    assert verdict["emission_stage"] == "5" and verdict["decision"] == "deny"


def test_unreadable_plate_and_bad_input(client, bureau, power_plant):
    verdict = check(client, bureau, plate="晋H12", plate_color="yellow", firm_id=power_plant.id)
    assert verdict["decision"] == "review" and rules(verdict) == {"UNREADABLE_PLATE"}
    missing = client.post("/api/v1/checks", json={"plate_color": "pink", "at": "tomorrow"}, headers=bureau)
    assert set(missing.get_json()["errors"]["json"]) == {"plate", "plate_color", "firm_id", "at"}
    assert (
        client.post("/api/v1/checks", json={"plate": "晋H10001", "firm_id": 999999}, headers=bureau).status_code == 404
    )


def test_a_revised_policy_applies_to_later_checks_only(client, bureau, make_firm, make_vehicle):
    firm = make_firm(annual_freight_tonnes=1_200_000)
    make_vehicle(plate="晋H20001", emission_stage="5")
    body = {"plate": "晋H20001", "plate_color": "yellow", "firm_id": firm.id, "at": utcnow().isoformat()}
    assert check(client, bureau, **body)["decision"] == "pass"
    client.patch(
        "/api/v1/policies/4", json={"params": {"threshold_tonnes": 1_000_000, "min_stage": "6"}}, headers=bureau
    )
    after = check(client, bureau, **body)
    assert after["decision"] == "deny" and 4 not in after["policy_ids"]


def test_checks_store_nothing(client, bureau, power_plant):
    from sqlalchemy import func, select

    from registry.events.models import PlateEvent, Verdict

    check(client, bureau, plate="晋H10001", plate_color="yellow", firm_id=power_plant.id)
    assert db.session.scalar(select(func.count(PlateEvent.id))) == 0
    assert db.session.scalar(select(func.count(Verdict.id))) == 0
