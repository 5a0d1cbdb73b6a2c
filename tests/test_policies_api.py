"""/api/v1/policies: the 2021 plan as seeded rows, new versions without code changes, audited."""

from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.policies.models import Policy
from registry.rules.plan_2021 import POLICIES


def test_migration_seeded_the_2021_plan_exactly():
    """The plan as the migrations leave it: each seeded row's latest version (a later migration revises a
    policy as the bureau would, keeping the old version)."""
    rows = {p.id: p for p in db.session.scalars(select(Policy))}
    latest = {p.replaces_id: p for p in rows.values() if p.replaces_id is not None}
    for expected in POLICIES:
        row = rows[expected["id"]]
        while row.id in latest:
            row = latest[row.id]
        assert (row.rule, row.params, row.clause) == (expected["rule"], expected["params"], expected["clause"])
        assert row.effective_from.isoformat() == expected["effective_from"]
        assert (row.effective_to and row.effective_to.isoformat()) == expected["effective_to"]


def test_list_in_force_on_a_date(client, bureau):
    in_2021 = client.get("/api/v1/policies?rule=FREIGHT_STAGE&on=2021-12-31", headers=bureau).get_json()
    in_2022 = client.get("/api/v1/policies?rule=FREIGHT_STAGE&on=2022-01-01", headers=bureau).get_json()
    assert [p["params"]["min_stage"] for p in in_2021["items"]] == ["5"]
    assert [p["params"]["min_stage"] for p in in_2022["items"]] == ["6"]
    before_clean = client.get("/api/v1/policies?rule=CLEAN_TRANSPORT&on=2021-09-30", headers=bureau).get_json()
    assert before_clean["total"] == 0


def test_bureau_adds_next_years_rule_without_code(client, bureau):
    response = client.post(
        "/api/v1/policies",
        json={
            "rule": "FREIGHT_STAGE",
            "params": {"threshold_tonnes": 1_000_000, "min_stage": "6"},
            "effective_from": "2027-01-01",
            "clause": "2027年行动计划 第（12）条",
        },
        headers=bureau,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["version"] == 1 and body["params"]["threshold_tonnes"] == 1_000_000
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "policy")).one()
    assert audit.action == "create" and audit.entity_id == body["id"]


def test_params_are_checked_against_the_rule(client, bureau):
    bad = client.post(
        "/api/v1/policies",
        json={
            "rule": "FREIGHT_STAGE",
            "params": {"threshold_tonnes": "many", "min_stage": "7", "x": 1},
            "effective_from": "2027-01-01",
            "clause": "c",
        },
        headers=bureau,
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]["json"]["params"]) == {"threshold_tonnes", "min_stage", "x"}
    unknown = client.post(
        "/api/v1/policies", json={"rule": "SPEEDING", "effective_from": "2027-01-01", "clause": "c"}, headers=bureau
    )
    assert "rule" in unknown.get_json()["errors"]["json"]
    matrix = client.post(
        "/api/v1/policies",
        json={
            "rule": "STAGGERED_TRANSPORT",
            "params": {"matrix": {"B": {"purple": "4"}}},
            "effective_from": "2027-01-01",
            "clause": "c",
        },
        headers=bureau,
    )
    assert matrix.status_code == 422


def test_revision_keeps_the_old_version_unchanged(client, bureau):
    old = client.get("/api/v1/policies/4", headers=bureau).get_json()
    revised = client.patch(
        "/api/v1/policies/4", json={"params": {"threshold_tonnes": 1_200_000, "min_stage": "6"}}, headers=bureau
    )
    assert revised.status_code == 200
    new = revised.get_json()
    assert new["id"] != 4 and new["version"] == 2 and new["replaces_id"] == 4
    assert new["clause"] == old["clause"] and new["params"]["threshold_tonnes"] == 1_200_000
    kept = client.get("/api/v1/policies/4", headers=bureau).get_json()
    assert kept["params"] == old["params"] and kept["superseded_at"] is not None
    current = client.get("/api/v1/policies?rule=FREIGHT_STAGE&on=2023-01-01", headers=bureau).get_json()
    assert [p["id"] for p in current["items"]] == [new["id"]]
    again = client.patch("/api/v1/policies/4", json={"note": "x"}, headers=bureau)
    assert again.status_code == 409


def test_retiring_a_policy_by_its_end_date(client, bureau):
    ended = client.patch("/api/v1/policies/7", json={"effective_to": "2030-12-31"}, headers=bureau).get_json()
    assert ended["effective_to"] == "2030-12-31"
    backwards = client.patch(f"/api/v1/policies/{ended['id']}", json={"effective_to": "1999-01-01"}, headers=bureau)
    assert backwards.status_code == 422


def test_only_editors_change_policies(client, auth):
    police = auth("police")
    assert client.get("/api/v1/policies", headers=police).status_code == 200
    assert client.patch("/api/v1/policies/4", json={"note": "x"}, headers=police).status_code == 403


def test_the_picture_overrules_the_camera_only_where_a_bureau_names_the_precision_it_relies_on(client, bureau):
    [colour] = client.get("/api/v1/policies?rule=PICTURE_COLOUR", headers=bureau).get_json()["items"]
    assert colour["params"]["overrules_camera"] is False
    unnamed = client.patch(
        f"/api/v1/policies/{colour['id']}", headers=bureau, json={"params": {"overrules_camera": True}}
    )
    assert unnamed.status_code == 422 and "measured_precision" in str(unnamed.get_json())
    named = client.patch(
        f"/api/v1/policies/{colour['id']}",
        headers=bureau,
        json={
            "params": {
                "overrules_camera": True,
                "measured_precision": 0.97,
                "precision_basis": "本区 12 台相机 400 次分歧人工核对 / 400 disagreements checked by hand",
            }
        },
    )
    assert named.status_code == 200, named.get_json()
    assert named.get_json()["params"]["min_confidence"] == 0.6  # the schema's default
