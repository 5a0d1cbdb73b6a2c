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


def test_a_batch_of_merged_reads_costs_the_same_statements_as_one(app, gate):
    """Reads merged into stored passes answer with those passes' verdicts, loaded with the passes
    themselves: the statements a batch issues do not grow with the number of merged reads."""
    from sqlalchemy import event as sa_event

    gate_row, _ = gate
    store = Store(app)

    def batch(prefix: str, plates: list[str]) -> list[Inbound]:
        return [
            Inbound(
                f"gates/{gate_row.code}/events",
                json.dumps(
                    {
                        "event_id": f"{prefix}-{i}",
                        "plate": plate,
                        "plate_color": "yellow",
                        "direction": "in",
                        "captured_at": "2022-05-01T10:00:00+08:00",
                        "confidence": 0.5,
                    }
                ).encode(),
                mid=i,
                qos=1,
                generation=1,
            )
            for i, plate in enumerate(plates)
        ]

    def statements_for(inbound: list[Inbound]) -> tuple[int, dict]:
        seen = []
        listener = lambda *_args: seen.append(1)  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            _, tally = store.process(inbound)
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen), tally

    one, many = ["晋H20001"], ["晋H20001", "晋H30001", "晋H00018D", "晋H88888"]
    statements_for(batch("first", many))
    merged_one, tally_one = statements_for(batch("again-one", one))
    merged_many, tally_many = statements_for(batch("again-many", many))
    assert tally_one["merged"] == 1 and tally_many["merged"] == 4
    assert merged_many == merged_one
