"""/api/v1/firms/{id}/gates and /api/v1/gates: the secret is shown once and stored hashed."""

from registry.extensions import db
from registry.gates.models import Gate
from registry.gates.services import authenticate_gate


def test_create_gate_returns_code_and_secret_once(client, bureau, make_firm):
    firm = make_firm()
    response = client.post(f"/api/v1/firms/{firm.id}/gates", json={"name": "东门"}, headers=bureau)
    assert response.status_code == 201
    body = response.get_json()
    assert body["code"] and len(body["secret"]) >= 32
    assert body["firm_id"] == firm.id and body["active"] is True
    stored = db.session.get(Gate, body["id"])
    assert body["secret"] not in stored.secret_hash
    assert authenticate_gate(body["code"], body["secret"]).id == body["id"]
    assert authenticate_gate(body["code"], "wrong") is None
    again = client.get(f"/api/v1/gates/{body['code']}", headers=bureau).get_json()
    assert "secret" not in again and again["name"] == "东门"


def test_gate_codes_are_unique_and_may_be_chosen(client, bureau, make_firm):
    firm = make_firm()
    chosen = client.post(f"/api/v1/firms/{firm.id}/gates", json={"name": "北门", "code": "HD-N1"}, headers=bureau)
    assert chosen.get_json()["code"] == "HD-N1"
    clash = client.post(f"/api/v1/firms/{firm.id}/gates", json={"name": "北门2", "code": "HD-N1"}, headers=bureau)
    assert clash.status_code == 409
    bad = client.post(f"/api/v1/firms/{firm.id}/gates", json={"name": "x", "code": "a/b#"}, headers=bureau)
    assert "code" in bad.get_json()["errors"]["json"]


def test_unknown_firm_and_missing_name(client, bureau, make_firm):
    assert client.post("/api/v1/firms/999999/gates", json={"name": "门"}, headers=bureau).status_code == 404
    firm = make_firm()
    missing = client.post(f"/api/v1/firms/{firm.id}/gates", json={}, headers=bureau)
    assert missing.status_code == 422 and "name" in missing.get_json()["errors"]["json"]


def test_disable_rotate_and_list(client, bureau, make_firm):
    firm, other = make_firm(name="甲"), make_firm(name="乙")
    first = client.post(f"/api/v1/firms/{firm.id}/gates", json={"name": "一号门"}, headers=bureau).get_json()
    client.post(f"/api/v1/firms/{other.id}/gates", json={"name": "二号门"}, headers=bureau)

    disabled = client.patch(f"/api/v1/gates/{first['code']}", json={"active": False}, headers=bureau)
    assert disabled.get_json()["active"] is False
    assert authenticate_gate(first["code"], first["secret"]) is None
    client.patch(f"/api/v1/gates/{first['code']}", json={"active": True}, headers=bureau)

    rotated = client.post(f"/api/v1/gates/{first['code']}/secret", headers=bureau).get_json()
    assert authenticate_gate(first["code"], first["secret"]) is None
    assert authenticate_gate(first["code"], rotated["secret"]) is not None

    assert client.get(f"/api/v1/firms/{firm.id}/gates", headers=bureau).get_json()["total"] == 1
    assert client.get(f"/api/v1/gates?firm_id={other.id}", headers=bureau).get_json()["total"] == 1
    assert client.get("/api/v1/gates/NOPE", headers=bureau).status_code == 404
