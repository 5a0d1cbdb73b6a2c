"""Sites, declarations before entry (进场登记), smoke inspections against the limit table kept as data."""

from datetime import timedelta

import pytest

from registry.common.time import today_local
from registry.machinery import rules

NOW = "2026-11-20T10:00:00+08:00"


@pytest.fixture
def site(client):
    def make(headers, low_emission_zone=False, name="七一路改造工程"):
        answer = client.post(
            "/api/v1/sites",
            json={"name": name, "address": "忻府区七一路", "low_emission_zone": low_emission_zone},
            headers=headers,
        )
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()

    return make


def declare(client, headers, site_id, code, start="2026-12-01", end="2026-12-31"):
    return client.post(
        f"/api/v1/sites/{site_id}/declarations",
        json={"registration_code": code, "from": start, "to": end},
        headers=headers,
    )


def inspect(client, headers, code, k, **extra):
    return client.post(
        f"/api/v1/machinery/{code}/inspections", json={"k": k, "inspected_at": NOW, **extra}, headers=headers
    )


def test_a_china_iv_machine_is_declared_at_both_kinds_of_site(client, approved, site):
    machine, headers = approved()
    periods = {False: ("2026-12-01", "2026-12-31"), True: ("2027-01-01", "2027-01-31")}
    for zone, (start, end) in periods.items():
        where = site(headers, low_emission_zone=zone, name=f"工地{zone}")
        answer = declare(client, headers, where["id"], machine["registration_code"], start, end)
        assert answer.status_code == 201, answer.get_json()
        body = answer.get_json()
        assert (body["registration_code"], body["from"], body["to"]) == (machine["registration_code"], start, end)
        listed = client.get(f"/api/v1/sites/{where['id']}/declarations", headers=headers).get_json()
        assert listed["total"] == 1


def test_a_china_ii_machine_is_refused_in_a_low_emission_zone_only(client, approved, site):
    machine, headers = approved(emission_stage="2", pin=None)
    lez = site(headers, low_emission_zone=True)
    refused = declare(client, headers, lez["id"], machine["registration_code"])
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["reasons"] == ["stage_barred"] and "国二" in body["message"]
    normal = site(headers, name="物流园二期")
    assert declare(client, headers, normal["id"], machine["registration_code"]).status_code == 201


def test_declarations_name_every_reason_for_refusal(client, bureau, approved, register, unit_user, site):
    machine, owner = approved(emission_stage="X", pin=None)
    _, other = unit_user()
    other_site = site(other, low_emission_zone=True)
    refused = declare(client, other, other_site["id"], machine["registration_code"])
    assert set(refused.get_json()["reasons"]) == {"other_unit", "stage_barred"}
    retired = approved(pin=None, engine_no="R-1")[0]
    client.post(f"/api/v1/machinery/{retired['id']}/retire", json={"reason": "报废"}, headers=bureau)
    own_site = site(owner)
    assert declare(client, owner, own_site["id"], retired["registration_code"]).get_json()["reasons"] == [
        "not_approved",
        "other_unit",
    ]
    unknown = declare(client, owner, site(owner)["id"], "NO-SUCH-CODE")
    assert unknown.status_code == 404


def test_overlapping_declarations_of_one_machine_are_refused(client, approved, site):
    machine, headers = approved()
    first, second = site(headers), site(headers, name="另一工地")
    assert declare(client, headers, first["id"], machine["registration_code"]).status_code == 201
    clash = declare(client, headers, second["id"], machine["registration_code"], "2026-12-15", "2027-01-15")
    assert clash.status_code == 409 and "七一路改造工程" in clash.get_json()["message"]
    later = declare(client, headers, second["id"], machine["registration_code"], "2027-01-01", "2027-01-15")
    assert later.status_code == 201
    backwards = declare(client, headers, second["id"], machine["registration_code"], "2027-03-01", "2027-02-01")
    assert backwards.status_code == 422


def test_a_unit_cannot_declare_at_another_units_site(client, approved, unit_user, site):
    machine, headers = approved()
    _, other = unit_user()
    their_site = site(other)
    assert declare(client, headers, their_site["id"], machine["registration_code"]).status_code == 404
    assert client.get(f"/api/v1/sites/{their_site['id']}", headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("power", "stage", "lez", "k", "limit", "limit_class", "result"),
    [
        (128.5, "4", False, 0.80, 0.80, "II", "pass"),  # at the Class II limit for 37-560 kW
        (128.5, "4", False, 0.81, 0.80, "II", "fail"),
        (128.5, "4", True, 0.50, 0.50, "III", "pass"),  # low-emission zone: Class III
        (128.5, "4", True, 0.51, 0.50, "III", "fail"),
        (30.0, "3", False, 1.00, 1.00, "II", "pass"),  # 19-37 kW band
        (30.0, "3", True, 0.81, 0.80, "III", "fail"),  # Class III below 37 kW
        (18.0, "2", False, 3.00, 3.00, "I", "pass"),  # Class I below 19 kW
        (18.0, "2", False, 3.01, 3.00, "I", "fail"),
        (37.0, "1", False, 1.61, 1.61, "I", "pass"),  # 37 kW belongs to the upper band
    ],
)
def test_inspection_results_at_the_limit_boundaries(
    client, bureau, approved, power, stage, lez, k, limit, limit_class, result
):
    machine, _ = approved(rated_power_kw=power, emission_stage=stage, pin=None)
    answer = inspect(client, bureau, machine["registration_code"], k, low_emission_zone=lez, place="七一路工地")
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["result"], body["limit"], body["limit_class"]) == (result, limit, limit_class)
    assert body["zone"] == ("low_emission" if lez else "general")


def test_a_site_sets_the_zone_of_an_inspection(client, bureau, approved, site):
    machine, headers = approved()
    lez = site(headers, low_emission_zone=True)
    body = inspect(client, bureau, machine["registration_code"], 0.6, site_id=lez["id"]).get_json()
    assert (body["result"], body["limit_class"], body["site_id"]) == ("fail", "III", lez["id"])


def test_the_bureau_corrects_the_limit_table_without_a_code_change(client, bureau, approved):
    machine, _ = approved()
    limits = client.get("/api/v1/smoke-limits", headers=bureau).get_json()
    band = next(row for row in limits if row["limit_class"] == "II" and row["power_from_kw"] == 37)
    assert band["k_limit"] == 0.8
    assert inspect(client, bureau, machine["registration_code"], 0.9).get_json()["result"] == "fail"
    corrected = client.patch(f"/api/v1/smoke-limits/{band['id']}", json={"k_limit": 1.0}, headers=bureau)
    assert corrected.status_code == 200 and corrected.get_json()["k_limit"] == 1.0
    assert inspect(client, bureau, machine["registration_code"], 0.9).get_json()["result"] == "pass"


def test_zone_rules_are_data(client, bureau, approved, site):
    machine, headers = approved(emission_stage="3", pin=None)
    lez = site(headers, low_emission_zone=True)
    changed = client.patch(
        "/api/v1/zone-rules/low_emission", json={"barred_stages": ["1", "2", "3", "X"]}, headers=bureau
    )
    assert changed.status_code == 200
    assert declare(client, headers, lez["id"], machine["registration_code"]).get_json()["reasons"] == ["stage_barred"]


def test_after_a_failed_inspection_a_low_emission_zone_refuses_the_machine(client, bureau, approved, site):
    machine, headers = approved()
    code = machine["registration_code"]
    assert inspect(client, bureau, code, 0.95).get_json()["result"] == "fail"
    lez, normal = site(headers, low_emission_zone=True), site(headers, name="物流园")
    refused = declare(client, headers, lez["id"], code)
    assert refused.status_code == 422 and refused.get_json()["reasons"] == ["failed_inspection"]
    assert declare(client, headers, normal["id"], code).status_code == 201
    verified = client.get(f"/api/v1/machinery/verify/{code}").get_json()
    assert verified["latest_inspection"]["result"] == "fail" and verified["latest_inspection"]["limit"] == 0.8
    # a later passing inspection lifts the bar
    assert inspect(client, bureau, code, 0.3, inspected_at="2026-11-21T10:00:00+08:00").get_json()["result"] == "pass"
    assert declare(client, headers, lez["id"], code, "2027-02-01", "2027-02-28").status_code == 201


def test_electric_machinery_has_no_smoke_test(client, bureau, approved):
    machine, _ = approved(fuel_type="electric", emission_stage="D", engine_no=None, engine_model=None, pin=None)
    answer = inspect(client, bureau, machine["registration_code"], 0.1)
    assert answer.status_code == 422 and "电动" in answer.get_json()["message"]


def test_bad_inspection_input_is_refused(client, bureau, approved):
    machine, _ = approved()
    code = machine["registration_code"]
    assert inspect(client, bureau, code, -0.1).status_code == 422
    assert client.post(f"/api/v1/machinery/{code}/inspections", json={"k": 0.3}, headers=bureau).status_code == 422
    naive = inspect(client, bureau, code, 0.3, inspected_at="2026-11-20T10:00:00")
    assert naive.status_code == 422
    assert inspect(client, bureau, "NO-SUCH", 0.3).status_code == 404


def test_site_refusals_are_a_pure_function():
    zone = rules.Zone("low_emission", "低排放控制区", "low-emission zone", frozenset({"1", "2", "X"}), True, {})
    facts = {"status": "approved", "owner_unit_id": 1, "declaring_unit_id": 1, "zone": zone}
    assert rules.site_refusals(emission_stage="4", latest_inspection="pass", **facts) == []
    assert [r.code for r in rules.site_refusals(emission_stage="2", latest_inspection="fail", **facts)] == [
        "stage_barred",
        "failed_inspection",
    ]


def test_verification_names_the_site_of_today_and_shows_the_nameplate(app, client, approved, site):
    """An inspector at a site gate scans the label: the model, engine number, the nameplate photo and
    the site the machine is declared for today tell them it is the machine in front of them."""
    machine, headers = approved()
    code = machine["registration_code"]
    today = today_local()
    place = site(headers, name="七一路改造工程")
    answer = declare(client, headers, place["id"], code, today.isoformat(), (today + timedelta(days=30)).isoformat())
    assert answer.status_code == 201, answer.get_json()
    verified = client.get(f"/api/v1/machinery/verify/{code}").get_json()
    assert verified["site_today"] == "七一路改造工程" and verified["nameplate_photo"] is True
    public = app.test_client()
    page = public.get(f"/verify/{code}").get_data(as_text=True)
    assert "七一路改造工程" in page and machine["engine_no"] in page and f"/verify/{code}/nameplate.jpg" in page
    with public.get(f"/verify/{code}/nameplate.jpg") as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert public.get("/verify/NOPE/nameplate.jpg").status_code == 404
