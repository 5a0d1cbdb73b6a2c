"""/api/v1/firms: create, read, update, list; errors name the field and store nothing."""

from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.firms.models import Firm

FIRM = {
    "name": "忻州市华电热电有限公司",
    "credit_code": "91110000600037341L",
    "industry": "power",
    "annual_freight_tonnes": 2_400_000,
    "in_planning_area": True,
    "performance_grade": "B",
    "region": "城区",
}


def firm_count() -> int:
    return db.session.scalar(select(func.count(Firm.id)))


def test_create_returns_201_with_id_and_public_fields(client, bureau):
    response = client.post("/api/v1/firms", json=FIRM, headers=bureau)
    assert response.status_code == 201
    body = response.get_json()
    assert isinstance(body["id"], int)
    assert {k: body[k] for k in FIRM} == FIRM
    assert body["warnings"] == []
    assert client.get(f"/api/v1/firms/{body['id']}", headers=bureau).get_json()["name"] == FIRM["name"]


def test_wrong_credit_code_check_character_warns_but_registers(client, bureau):
    response = client.post("/api/v1/firms", json=FIRM | {"credit_code": "91110000600037341M"}, headers=bureau)
    assert response.status_code == 201
    assert "credit_code" in response.get_json()["warnings"][0]


def test_credit_code_of_wrong_shape_is_refused(client, bureau):
    response = client.post("/api/v1/firms", json=FIRM | {"credit_code": "12345"}, headers=bureau)
    assert response.status_code == 422
    assert "credit_code" in response.get_json()["errors"]["json"]


def test_duplicate_credit_code_is_a_conflict_naming_the_firm(client, bureau, make_firm):
    existing = make_firm(credit_code=FIRM["credit_code"])
    response = client.post("/api/v1/firms", json=FIRM, headers=bureau)
    assert response.status_code == 409
    body = response.get_json()
    assert str(existing.id) in body["message"]
    assert "credit_code" in body["errors"]["json"]


def test_bad_input_names_each_field_and_stores_nothing(client, bureau):
    before = firm_count()
    response = client.post(
        "/api/v1/firms",
        json={"industry": "bakery", "annual_freight_tonnes": "lots", "colour": "red"},
        headers=bureau,
    )
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["errors"]["json"]) == {"name", "industry", "annual_freight_tonnes", "colour"}
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    for field in ("name", "industry", "annual_freight_tonnes"):
        assert field in body["message"]
    assert firm_count() == before


def test_negative_freight_and_bad_grade_are_refused(client, bureau):
    response = client.post(
        "/api/v1/firms", json=FIRM | {"annual_freight_tonnes": -1, "performance_grade": "E"}, headers=bureau
    )
    assert set(response.get_json()["errors"]["json"]) == {"annual_freight_tonnes", "performance_grade"}


def test_messages_are_chinese_first_and_english_on_request(client, bureau):
    zh = client.get("/api/v1/firms/999999", headers=bureau).get_json()
    en = client.get("/api/v1/firms/999999", headers=bureau | {"Accept-Language": "en"}).get_json()
    assert zh["code"] == en["code"] == 404
    assert "不存在" in zh["message"]
    assert en["message"] == "firm not found"  # the kind only: never an id, or whether another firm has it


def test_patch_changes_only_given_fields_and_is_audited(client, bureau, make_firm):
    firm = make_firm(name="甲公司", performance_grade="C")
    response = client.patch(f"/api/v1/firms/{firm.id}", json={"performance_grade": "A"}, headers=bureau)
    assert response.status_code == 200
    assert response.get_json()["performance_grade"] == "A"
    assert response.get_json()["name"] == "甲公司"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "firm", AuditEntry.action == "update")
    ).one()
    assert entry.entity_id == firm.id
    assert entry.before["performance_grade"] == "C" and entry.after["performance_grade"] == "A"
    assert entry.actor_label.startswith("bureau")


def test_list_filters_and_paginates(client, bureau, make_firm):
    for i in range(5):
        make_firm(name=f"焦化{i}", industry="coking", region="城区" if i % 2 else "播明镇")
    make_firm(name="电厂", industry="power")
    page = client.get("/api/v1/firms?industry=coking&per_page=2&page=2", headers=bureau).get_json()
    assert page["total"] == 5 and page["page"] == 2 and page["per_page"] == 2
    assert [f["name"] for f in page["items"]] == ["焦化2", "焦化3"]
    regional = client.get("/api/v1/firms?industry=coking&region=城区", headers=bureau).get_json()
    assert regional["total"] == 2
    assert client.get("/api/v1/firms?q=电", headers=bureau).get_json()["total"] == 1
    assert client.get("/api/v1/firms?industry=bakery", headers=bureau).status_code == 422


def test_token_is_required_and_role_is_checked(client, auth):
    assert client.get("/api/v1/firms").status_code == 401
    assert client.get("/api/v1/firms", headers={"Authorization": "Bearer nope"}).status_code == 401
    police = auth("police")
    assert client.get("/api/v1/firms", headers=police).status_code == 200
    assert client.post("/api/v1/firms", json=FIRM, headers=police).status_code == 403
    assert client.post("/api/v1/firms", json=FIRM, headers=auth("construction")).status_code == 403


def test_malformed_json_body_is_a_clear_400_or_422(client, bureau):
    response = client.post("/api/v1/firms", data="{not json", headers=bureau | {"Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.get_json()["message"]
