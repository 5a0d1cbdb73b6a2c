"""POST /api/v1/gates/{code}/events: one pass one record, idempotent, same verdict as /checks."""

import base64
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select

from registry.events.models import PassImage, PlateEvent, PlateRead, Violation
from registry.extensions import db
from registry.gates.services import create_gate


@pytest.fixture
def gate(make_firm):
    firm = make_firm(
        name="华电热电",
        industry="power",
        in_planning_area=True,
        annual_freight_tonnes=2_400_000,
        performance_grade="B",
        region="城区",
    )
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    return gate, {"Authorization": f"Bearer {secret}"}


def event(event_id="e-1", plate="晋H20001", at="2022-03-01T10:00:00+08:00", **overrides):
    return {
        "event_id": event_id,
        "plate": plate,
        "plate_color": "yellow",
        "direction": "in",
        "captured_at": at,
        "confidence": 0.9,
    } | overrides


def post(client, gate, body):
    code, headers = gate[0].code, gate[1]
    return client.post(f"/api/v1/gates/{code}/events", json=body, headers=headers)


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def jpeg_base64() -> str:
    image = np.zeros((60, 200, 3), np.uint8)
    image[:] = (40, 200, 230)  # a yellow plate-sized block
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return base64.b64encode(data.tobytes()).decode()


def test_new_pass_answers_201_with_verdict_and_led_text(client, gate, make_vehicle, bureau):
    make_vehicle(plate="晋H20001", emission_stage="5")
    response = post(client, gate, event())
    assert response.status_code == 201
    body = response.get_json()
    assert body["decision"] == "deny" and body["outcome"] == "created" and body["read_count"] == 1
    assert {f["rule"] for f in body["findings"]} == {"CLEAN_TRANSPORT", "FREIGHT_STAGE"}
    assert body["display"] == "晋H20001 国五 排放不达标 禁止通行"
    stored = client.get(f"/api/v1/events/{body['id']}", headers=bureau).get_json()
    assert stored["gate"] == gate[0].code and stored["decision"] == "deny" and stored["plate"] == "晋H20001"
    assert count(Violation) == 2


def test_same_verdict_as_the_what_if_check(client, gate, make_vehicle, bureau):
    make_vehicle(plate="晋H20001", emission_stage=None, registration_date="2021-06-30")
    ingested = post(client, gate, event(plate="晋h2OOO1")).get_json()
    checked = client.post(
        "/api/v1/checks",
        headers=bureau,
        json={
            "plate": "晋h2OOO1",
            "plate_color": "yellow",
            "firm_id": gate[0].firm_id,
            "at": "2022-03-01T10:00:00+08:00",
        },
    ).get_json()
    for key in ("decision", "findings", "policy_ids", "stage_inferred", "plate"):
        assert ingested[key] == checked[key], key


def test_resent_event_returns_the_stored_verdict_and_creates_nothing(client, gate, make_vehicle):
    make_vehicle(plate="晋H20001", emission_stage="6")
    first = post(client, gate, event())
    again = post(client, gate, event(confidence=0.99, plate="晋H99999"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"] and again.get_json()["outcome"] == "duplicate"
    assert again.get_json()["plate"] == "晋H20001"
    assert (count(PlateEvent), count(PlateRead)) == (1, 1)


def test_reads_of_one_pass_merge_and_keep_the_best(client, gate, make_vehicle):
    make_vehicle(plate="晋H20001", emission_stage="6")
    first = post(client, gate, event("e-1", "晋H2D001", confidence=0.6)).get_json()  # misread, unregistered
    assert first["decision"] == "review"
    merged = post(client, gate, event("e-2", "晋H20001", at="2022-03-01T10:00:20+08:00", confidence=0.95))
    assert merged.status_code == 200
    body = merged.get_json()
    assert body["id"] == first["id"] and body["outcome"] == "merged" and body["read_count"] == 2
    assert body["plate"] == "晋H20001" and body["decision"] == "pass"
    lower = post(client, gate, event("e-3", "晋H2O0O1", at="2022-03-01T10:00:30+08:00", confidence=0.5)).get_json()
    assert lower["read_count"] == 3 and lower["plate"] == "晋H20001"
    lookalike = post(client, gate, event("e-4", "晋H2Q001", at="2022-03-01T10:00:40+08:00", confidence=0.4))
    assert lookalike.get_json()["id"] == first["id"] and lookalike.get_json()["read_count"] == 4
    assert count(PlateEvent) == 1 and count(PlateRead) == 4
    assert count(Violation) == 0  # the review of the misread went when the better read came


def test_other_direction_later_read_or_other_plate_is_a_new_pass(client, gate):
    post(client, gate, event("e-1"))
    post(client, gate, event("e-2", direction="out"))
    post(client, gate, event("e-3", at="2022-03-01T10:01:01+08:00"))
    post(client, gate, event("e-4", plate="晋H30001"))
    assert count(PlateEvent) == 4


def test_gate_authentication(client, gate):
    code, _headers = gate[0].code, gate[1]
    assert client.post(f"/api/v1/gates/{code}/events", json=event()).status_code == 401
    assert (
        client.post(f"/api/v1/gates/{code}/events", json=event(), headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )
    secret = gate[1]["Authorization"].split()[1]
    basic = base64.b64encode(f"{code}:{secret}".encode()).decode()
    assert (
        client.post(
            f"/api/v1/gates/{code}/events", json=event(), headers={"Authorization": f"Basic {basic}"}
        ).status_code
        == 201
    )
    gate[0].active = False
    db.session.commit()
    assert post(client, gate, event("e-9")).status_code == 401
    assert client.post("/api/v1/gates/NOPE/events", json=event(), headers=gate[1]).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"plate": "晋H20001"}, "event_id"),
        (event(direction="sideways"), "direction"),
        (event(captured_at="2022-03-01T10:00:00"), "captured_at"),
        (event(confidence=1.5), "confidence"),
        (event(plate_color="purple"), "plate_color"),
        (event(images={"plate": "***not base64***"}), "images"),
        (event(images={"face": "aGVsbG8="}), "images"),
    ],
)
def test_bad_reads_are_refused_naming_the_field_and_store_nothing(client, gate, body, field):
    response = post(client, gate, body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert count(PlateEvent) == 0


def test_vendor_colour_codes_are_understood(client, gate, bureau):
    body = post(client, gate, event(plate_color=93)).get_json()
    stored = client.get(f"/api/v1/events/{body['id']}", headers=bureau).get_json()
    assert stored["plate_color"] == "yellow_green"


def test_pictures_are_checked_and_stored_by_content(app, client, gate, bureau):
    picture = jpeg_base64()
    corrupt = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 64).decode()
    body = post(client, gate, event(images={"plate": picture, "vehicle": corrupt})).get_json()
    images = {i.kind: i for i in db.session.scalars(select(PassImage))}
    assert images["plate"].valid and (images["plate"].width, images["plate"].height) == (200, 60)
    stored = Path(app.config["IMAGE_DIR"]) / images["plate"].sha256[:2] / images["plate"].sha256
    assert stored.read_bytes() == base64.b64decode(picture)
    assert not images["vehicle"].valid and images["vehicle"].error
    listed = client.get(f"/api/v1/events/{body['id']}", headers=bureau).get_json()
    assert {i["kind"]: i["valid"] for i in listed["images"]} == {"plate": True, "vehicle": False}


def test_list_passes_by_filters_and_local_dates(client, gate, bureau, make_vehicle):
    make_vehicle(plate="晋H20001", emission_stage="6")
    post(client, gate, event("a", at="2022-03-01T23:30:00+08:00"))
    post(client, gate, event("b", at="2022-03-01T16:30:00Z", plate="晋H30001"))  # 00:30 on 03-02 local
    post(client, gate, event("c", at="2022-03-03T08:00:00+08:00", plate="晋H12"))

    def plates(query):
        page = client.get(f"/api/v1/events?{query}", headers=bureau).get_json()
        return sorted(p["plate"] for p in page["items"]), page["total"]

    assert plates("from=2022-03-01&to=2022-03-01") == (["晋H20001"], 1)
    assert plates("from=2022-03-02&to=2022-03-02") == (["晋H30001"], 1)
    assert plates("decision=review")[1] == 2
    assert plates(f"gate={gate[0].code}&plate=晋h2OOO1") == (["晋H20001"], 1)
    assert plates(f"firm_id={gate[0].firm_id}")[1] == 3
    assert plates("firm_id=999999")[1] == 0


def test_a_moment_long_after_the_window_is_not_merged(client, gate):
    base = datetime.fromisoformat("2022-03-01T10:00:00+08:00")
    for i in range(3):
        post(client, gate, event(f"e-{i}", at=(base + timedelta(minutes=5 * i)).isoformat()))
    assert count(PlateEvent) == 3


def test_the_pass_links_the_registered_vehicle(client, gate, make_vehicle, bureau):
    truck = make_vehicle(plate="晋H20001", emission_stage="6")
    body = post(client, gate, event()).get_json()
    assert client.get(f"/api/v1/events/{body['id']}", headers=bureau).get_json()["vehicle_id"] == truck.id
