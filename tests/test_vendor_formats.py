"""Hikvision ISAPI ANPR and AlarmInfoPlate pushes, from realistic payloads, into the one ingest."""

import base64
import copy
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.cameras import alarminfoplate, hikvision
from registry.events.models import PassImage, PlateEvent, PlateRead
from registry.extensions import db
from registry.gates.services import create_gate
from tests.support.pictures import real_photo

FIXTURES = Path(__file__).parent / "fixtures"
COLOURS = {"0": None, "1": "blue", "2": "yellow", "3": "white", "4": "black", "5": "green", "6": "yellow_green"}
DIRECTIONS = {"3": "out", "4": "in"}


@pytest.fixture
def gate(make_firm):
    firm = make_firm(name="恒盛水泥", industry="cement", performance_grade="C")
    gate, secret = create_gate(None, firm, "南门", device_sn="a1b2c3d4-e5f60708")
    db.session.commit()
    return gate, secret


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_hikvision_xml_maps_every_field():
    alert = hikvision.parse_alert((FIXTURES / "hikvision_anpr.xml").read_bytes())
    read, retransmitted = hikvision.to_read(alert, {"licensePlatePicture.jpg": b"p", "detectionPicture.jpg": b"v"})
    assert read["event_id"] == "4d1b7e2c-5c1f-4b8e-9a3e-2f6d8c0b1a11" and not retransmitted
    assert (read["plate"], read["plate_color"], read["direction"]) == ("黄晋H20001", "yellow", "in")
    assert (read["captured_at"], read["confidence"], read["vehicle_type"]) == (
        "2022-03-01T10:00:00+08:00",
        0.96,
        "mediumHeavyTruck",
    )
    assert set(read["images"]) == {"plate", "vehicle"}


def test_hikvision_json_and_retransmission_flag():
    alert = hikvision.parse_alert((FIXTURES / "hikvision_anpr.json").read_bytes())
    read, retransmitted = hikvision.to_read(alert, {})
    assert retransmitted and read["direction"] == "out" and read["plate_color"] == "newEnergyYellowGreen"


def test_hikvision_multipart_push_is_idempotent_on_uuid(client, gate, make_vehicle):
    make_vehicle(plate="晋H20001", emission_stage="5")
    code, secret = gate[0].code, gate[1]
    xml = (FIXTURES / "hikvision_anpr.xml").read_bytes()

    def push():
        return client.post(
            f"/api/v1/gates/{code}/isapi",
            data={
                "anpr.xml": (io.BytesIO(xml), "anpr.xml", "application/xml"),
                "licensePlatePicture.jpg": (
                    io.BytesIO(real_photo("yellow", "plate_crop")),
                    "licensePlatePicture.jpg",
                    "image/jpeg",
                ),
                "detectionPicture.jpg": (
                    io.BytesIO(real_photo("yellow", "whole_vehicle")),
                    "detectionPicture.jpg",
                    "image/jpeg",
                ),
            },
            headers={"Authorization": f"Bearer {secret}"},
            content_type="multipart/form-data",
        )

    first = push()
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["plate"] == "晋H20001" and body["outcome"] == "created" and body["decision"] == "pass"
    again = push()
    assert again.get_json()["outcome"] == "duplicate" and again.get_json()["id"] == body["id"]
    assert (count(PlateEvent), count(PlateRead)) == (1, 1)
    images = {i.kind: i for i in db.session.scalars(select(PassImage))}
    assert images["plate"].valid and images["vehicle"].valid and images["vehicle"].width > 200


def test_hikvision_bare_json_body_with_key_in_url(client, gate):
    code, secret = gate[0].code, gate[1]
    response = client.post(
        f"/api/v1/gates/{code}/isapi?key={secret}",
        data=(FIXTURES / "hikvision_anpr.json").read_bytes(),
        content_type="application/json",
    )
    assert response.status_code == 200
    read = db.session.scalars(select(PlateRead)).one()
    assert read.source == "hikvision-resend" and read.plate_color.value == "yellow_green"


def test_hikvision_bad_documents(client, gate):
    code, secret = gate[0].code, gate[1]
    headers = {"Authorization": f"Bearer {secret}"}
    for body in (
        b"<Other/>",
        b"<EventNotificationAlert><eventType>VMD</eventType></EventNotificationAlert>",
        b"<not xml",
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><EventNotificationAlert>&a;</EventNotificationAlert>',
    ):
        response = client.post(
            f"/api/v1/gates/{code}/isapi", data=body, headers=headers, content_type="application/xml"
        )
        assert response.status_code == 422, body
    assert count(PlateEvent) == 0


def test_alarminfoplate_maps_codes_from_settings():
    message = json.loads((FIXTURES / "alarminfoplate_http.json").read_text(encoding="utf-8"))
    read, serial = alarminfoplate.to_read(message, COLOURS, DIRECTIONS)
    assert serial == "a1b2c3d4-e5f60708" and read["event_id"] == "a1b2c3d4-e5f60708-1646100000-1432"
    assert (read["plate"], read["plate_color"], read["direction"], read["confidence"]) == (
        "晋H20001",
        "yellow",
        "in",
        0.95,
    )
    assert read["captured_at"] == "2022-03-01T02:00:00.250000+00:00"


def test_alarminfoplate_mqtt_plate_is_base64_gb18030():
    message = json.loads((FIXTURES / "alarminfoplate_ivs_result.json").read_text(encoding="utf-8"))
    result = message["payload"]["AlarmInfoPlate"]["result"]["PlateResult"]
    result["license"] = base64.b64encode("晋H10001".encode("gb18030")).decode()
    read, _serial = alarminfoplate.to_read(message, COLOURS, DIRECTIONS)
    assert read["plate"] == "晋H10001" and read["event_id"] == "a1b2c3d4-e5f60708-1646100100-1433"


def test_alarminfoplate_http_push_answers_the_barrier(client, gate, make_vehicle):
    make_vehicle(plate="晋H20001", emission_stage="6")
    make_vehicle(plate="晋H40001", emission_stage="3")
    code, secret = gate[0].code, gate[1]
    message = json.loads((FIXTURES / "alarminfoplate_http.json").read_text(encoding="utf-8"))
    result = message["AlarmInfoPlate"]["result"]["PlateResult"]
    result["imageFragmentFile"] = base64.b64encode(real_photo("yellow", "plate_crop")).decode()
    opened = client.post(
        f"/api/v1/gates/{code}/alarm-info-plate", json=message, headers={"Authorization": f"Bearer {secret}"}
    )
    assert opened.get_json()["Response_AlarmInfoPlate"]["info"] == "ok"
    assert opened.get_json()["Response_AlarmInfoPlate"]["plateid"] == 1432

    phased_out = copy.deepcopy(message)
    phased_out["AlarmInfoPlate"]["result"]["PlateResult"] |= {"license": "晋H40001", "plateid": 1500}
    kept_closed = client.post(
        f"/api/v1/gates/{code}/alarm-info-plate", json=phased_out, headers={"Authorization": f"Bearer {secret}"}
    ).get_json()
    assert kept_closed["Response_AlarmInfoPlate"]["info"] == "no"
    assert "禁止通行" in kept_closed["Response_AlarmInfoPlate"]["content"]
    assert (
        client.post(
            f"/api/v1/gates/{code}/alarm-info-plate", json={"x": 1}, headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 422
    )
    assert client.post(f"/api/v1/gates/{code}/alarm-info-plate", json=message).status_code == 401
