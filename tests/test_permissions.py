"""Every role, a gate and an anonymous caller against every API endpoint, as docs/permissions.md says.

The table in the docs is the specification: this test reads it, fails for an endpoint the table does not
list, and checks each cell: allowed cells must not answer 401/403, refused cells must.
"""

import base64
import re
from datetime import UTC, date, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from registry.accounts.models import ApiToken, Role
from registry.accounts.services import issue_token
from registry.documents.models import VehicleDocument
from registry.extensions import db
from registry.gates.services import create_gate
from registry.inspections.models import InspectionPhoto
from registry.inspections.services import open_inspection
from registry.pictures.uploads import checked_photo
from registry.smoke.services import record_captures
from registry.stations.services import register_station
from registry.uplink.models import UplinkTarget
from registry.weighbridge.models import WeighTicket
from registry.zones.services import issue_permit
from tests.support.photos import picture

DOC = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"
ROLES = ["admin", "bureau", "police", "firm", "construction", "gate"]
REFUSED = {401, 403}


def table() -> dict[tuple[str, str], dict[str, str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(GET|POST|PATCH|PUT|DELETE) (/api/v1/[^`]+)`(?: ²)? \|(.+)\|$", line)
        if match:
            cells = [c.strip() for c in match.group(3).split("|")]
            rows[(match.group(1), match.group(2))] = dict(zip(ROLES, cells, strict=True))
    return rows


def documented_path(rule: str) -> str:
    """Flask's /machinery/<int:machinery_id> as the docs write it: /machinery/{machinery_id}."""
    return re.sub(r"<(?:[^:>]+(?:\([^)]*\))?:)?([^>]+)>", r"{\1}", rule)


def test_every_api_endpoint_is_in_the_permissions_table(app):
    documented = set(table())
    served = {
        (method, documented_path(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served - documented == set(), "add these endpoints to docs/permissions.md"
    assert documented - served == set(), "docs/permissions.md lists endpoints that do not exist"


def jpeg() -> str:
    """A yellow plate-sized picture: the measured colour agrees with the camera's yellow."""
    return base64.b64encode(cv2.imencode(".jpg", np.full((40, 120, 3), (40, 200, 230), np.uint8))[1].tobytes()).decode()


@pytest.fixture
def world(client, make_user, make_firm, make_vehicle, approved, register):
    """One of everything, owned by the firm user's firm and the construction user's unit."""
    firm = make_firm(name="华电热电", industry="power", in_planning_area=True)
    gate, secret = create_gate(None, firm, "东门")
    vehicle = make_vehicle(plate="晋H50001", emission_stage="5", firm_id=firm.id)  # the firm's own truck
    document = VehicleDocument(vehicle_id=vehicle.id, kind="licence_front", **checked_photo(None, picture()))
    db.session.add(document)
    weighed = datetime(2022, 3, 1, 2, 0, tzinfo=UTC)
    ticket = WeighTicket(firm_id=firm.id, ticket_no="T-1", plate="晋H50001", weighed_at=weighed, net_t=30, cargo="煤")
    db.session.add(ticket)
    target = UplinkTarget(name="市平台", url="https://city.example/api/v1/reports/batches", token="t")
    db.session.add(target)
    db.session.commit()
    users, headers, spare_tokens = {}, {}, {}
    for role in ROLES[:-1]:
        links = {"firm_id": firm.id} if role == "firm" else {}
        user, token = make_user(Role(role), **links)
        users[role], headers[role] = user, {"Authorization": f"Bearer {token}"}
    for role, user in users.items():
        spare_tokens[role] = issue_token(None, user, "spare")
    db.session.commit()

    spare_ids = {
        role: db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.name == "spare"))
        for role, user in users.items()
    }
    event = client.post(
        f"/api/v1/gates/{gate.code}/events",
        json={
            "event_id": "p-1",
            "plate": "晋H77777",
            "plate_color": "yellow",
            "direction": "in",
            "captured_at": "2022-03-01T10:00:00+08:00",
            "confidence": 0.9,
            "images": {"plate": jpeg()},
        },
        headers={"Authorization": f"Bearer {secret}"},
    ).get_json()
    inspection = open_inspection(None, firm, {"period_start": date(2022, 3, 1), "period_end": date(2022, 3, 1)})
    photo = InspectionPhoto(item_id=inspection.items[0].id, **checked_photo(None, picture()))
    db.session.add(photo)
    db.session.commit()
    found = client.get("/api/v1/violations?plate=晋H77777", headers=headers["bureau"]).get_json()
    violation_id, image_id = found["items"][0]["id"], found["items"][0]["images"][0]["id"]
    alert = client.post(
        "/api/v1/alerts",
        json={"level": "orange", "starts_at": "2022-03-02T00:00:00+08:00", "ends_at": "2022-03-03T00:00:00+08:00"},
        headers=headers["bureau"],
    ).get_json()
    unit_id = users["construction"].construction_unit_id
    machine, _ = approved(headers["construction"])
    pending = register(headers["construction"], pin=None, engine_no="P-1").get_json()
    site = client.post("/api/v1/sites", json={"name": "工地"}, headers=headers["construction"]).get_json()
    values = {
        "alert_id": alert["id"],
        "unit_id": unit_id,
        "event_id": event["id"],
        "image_id": image_id,
        "firm_id": firm.id,
        "code": gate.code,
        "fmt": "csv",
        "machinery_id": pending["id"],
        "kind": "nameplate",
        "registration_code": machine["registration_code"],
        "policy_id": 1,
        "site_id": site["id"],
        "limit_id": 1,
        "user_id": users["police"].id,
        "vehicle_id": vehicle.id,
        "document_id": document.id,
        "ticket_id": ticket.id,
        "target_id": target.id,
        "inspection_id": inspection.id,
        "item_id": inspection.items[0].id,
        "photo_id": photo.id,
        "violation_id": violation_id,
        "case_id": event["id"],  # a case is its pass
        "capture_id": _capture().id,
        "permit_id": issue_permit(
            None,
            {"plate": "冀A40004", "reason": "配送", "valid_from": date(2026, 12, 1), "valid_to": date(2026, 12, 31)},
        ).id,
    }
    db.session.commit()
    return {"headers": headers, "secret": secret, "values": values, "spare_ids": spare_ids}


def _capture():
    """A black-smoke capture pending review, of the firm's truck."""
    station, _ = register_station(None, {"kind": "black_smoke", "name": "长征街黑烟抓拍点"})
    at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    return record_captures(station, [{"captured_at": at, "plate": "晋H50001", "grade": 3, "threshold": 1}])[0][0]


def concrete(path: str, values: dict, role: str, spare_ids: dict) -> str:
    if path.startswith("/api/v1/zone-rules/"):
        return path.replace("{code}", "general")
    if "{token_id}" in path:
        return path.replace("{token_id}", str(spare_ids.get(role, spare_ids["bureau"])))
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def call(client, method: str, url: str, headers: dict):
    kwargs = {"headers": headers}
    if method in ("POST", "PATCH", "PUT"):
        kwargs["json"] = {}
    with client.open(url, method=method, **kwargs) as answer:
        return answer.status_code, (answer.get_json(silent=True) or {}) if answer.is_json else {}


def test_every_role_against_every_endpoint(client, world):
    failures = []
    for (method, path), cells in sorted(table().items()):
        for role in [*ROLES, "anonymous"]:
            if role == "gate":
                headers = {"Authorization": f"Bearer {world['secret']}"}
                cell = cells["gate"]
            elif role == "anonymous":
                headers, cell = {}, "public" if cells["admin"] == "public" else "-"
            else:
                headers, cell = world["headers"][role], cells[role]
            url = concrete(path, world["values"], role, world["spare_ids"])
            status, body = call(client, method, url, headers)
            if isinstance(body, dict) and body.get("secret"):  # a rotated gate secret: keep the new one
                world["secret"] = body["secret"]
            allowed = cell.rstrip(" ¹") in ("yes", "own", "public")
            if allowed == (status in REFUSED):
                failures.append(f"{method} {url} as {role}: table says {cell!r}, got {status}")
    assert failures == []


def test_a_revoked_token_and_a_deactivated_user_stop_working(client, make_user):
    admin, admin_token = make_user(Role.ADMIN)
    _, police_token = make_user(Role.POLICE)
    admin_headers = {"Authorization": f"Bearer {admin_token}"}
    police_headers = {"Authorization": f"Bearer {police_token}"}
    issued = client.post("/api/v1/tokens", json={"name": "laptop"}, headers=police_headers)
    assert issued.status_code == 201
    extra = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    assert client.get("/api/v1/vehicles", headers=extra).status_code == 200
    listed = client.get("/api/v1/tokens", headers=police_headers).get_json()
    laptop = next(t for t in listed if t["name"] == "laptop")
    assert laptop["last_used_at"] is not None and "token" not in laptop
    assert client.delete(f"/api/v1/tokens/{laptop['id']}", headers=police_headers).status_code == 204
    assert client.get("/api/v1/vehicles", headers=extra).status_code == 401
    others = client.get("/api/v1/tokens", headers=admin_headers).get_json()
    assert all(t["user_id"] == admin.id for t in others)
    police_token_id = listed[0]["id"]
    assert (
        client.delete(
            f"/api/v1/tokens/{police_token_id}", headers={"Authorization": f"Bearer {admin_token}"}
        ).status_code
        == 204
    )
    assert client.get("/api/v1/vehicles", headers=police_headers).status_code == 401
    _, second = make_user(Role.POLICE, username="officer-two")
    second_headers = {"Authorization": f"Bearer {second}"}
    user_id = next(
        u["id"]
        for u in client.get("/api/v1/users?per_page=500", headers=admin_headers).get_json()["items"]
        if u["username"] == "officer-two"
    )
    assert client.patch(f"/api/v1/users/{user_id}", json={"active": False}, headers=admin_headers).status_code == 200
    assert client.get("/api/v1/vehicles", headers=second_headers).status_code == 401
