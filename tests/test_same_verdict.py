"""One engine: a read gives the same verdict through POST /api/v1/checks, the HTTP ingest endpoint and
the MQTT gateway's store loop (run here against the test database, without a broker)."""

import json

import pytest

from gateway.consumer import Inbound, Store
from registry.extensions import db
from registry.gates.services import create_gate

KEYS = ("decision", "findings", "plate")


@pytest.fixture
def gate(make_firm, make_vehicle):
    firm = make_firm(
        name="焦化集团",
        industry="coking",
        in_planning_area=True,
        annual_freight_tonnes=1_800_000,
        performance_grade="C",
        region="城区",
    )
    make_vehicle(plate="晋H20001", emission_stage="5", fuel_type="gas")
    make_vehicle(plate="晋H30001", emission_stage=None, registration_date="2021-06-30")
    make_vehicle(plate="晋H00018D", emission_stage="D", fuel_type="electric", plate_color="yellow_green")
    gate, secret = create_gate(None, firm, "1号门")
    db.session.commit()
    return gate, secret


@pytest.mark.parametrize(
    ("plate", "colour", "at"),
    [
        ("晋H20001", "yellow", "2021-12-31T16:30:00Z"),
        ("晋h·3OOO1", "yellow", "2022-05-01T10:00:00+08:00"),
        ("晋H00018D", "yellow", "2022-05-01T10:00:00+08:00"),
        ("晋H2D001", "yellow", "2022-05-01T10:00:00+08:00"),
        ("晋H12", "yellow", "2022-05-01T10:00:00+08:00"),
    ],
)
def test_checks_http_and_mqtt_agree(app, client, bureau, gate, plate, colour, at):
    gate_row, secret = gate
    checked = client.post(
        "/api/v1/checks",
        headers=bureau,
        json={"plate": plate, "plate_color": colour, "firm_id": gate_row.firm_id, "at": at},
    )
    event = {"plate": plate, "plate_color": colour, "direction": "in", "captured_at": at, "confidence": 0.9}
    over_http = client.post(
        f"/api/v1/gates/{gate_row.code}/events",
        headers={"Authorization": f"Bearer {secret}"},
        json=event | {"event_id": "http-1"},
    )
    outgoing, tally = Store(app).process(
        [
            Inbound(
                f"gates/{gate_row.code}/events",
                json.dumps(event | {"event_id": "mqtt-1", "direction": "out"}).encode(),
                mid=1,
                qos=1,
                generation=1,
            )
        ]
    )
    [(topic, payload)] = outgoing
    over_mqtt = json.loads(payload)
    assert topic == f"gates/{gate_row.code}/verdicts" and tally["created"] == 1
    expected = {k: checked.get_json()[k] for k in KEYS}
    assert {k: over_http.get_json()[k] for k in KEYS} == expected
    assert {k: over_mqtt[k] for k in KEYS} == expected
