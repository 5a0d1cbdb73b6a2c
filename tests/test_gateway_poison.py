"""Hostile gate messages through a real Mosquitto and the real gateway process, and the same reads
over HTTP: the gateway stays up, each poison message is a dead letter with its reason, what can be
kept is kept, a good event published after them is stored, and no request answers 5xx."""

import json
import time

import pytest
from sqlalchemy import text

from tests.support.gateway import Publisher, gate_event

pytestmark = pytest.mark.broker
DEEP = b"[" * 30_000 + b"]" * 30_000  # under the 64 KiB the test gateway takes

# (what it is, payload): each can never become a pass, and must be a dead letter naming why.
POISON = [
    ("NUL in the plate", json.dumps(gate_event(1, plate="晋H\x0010001"))),
    ("right-to-left override in the plate", json.dumps(gate_event(2, plate="晋H\u202e10001"))),
    ("lone surrogate in the plate", json.dumps(gate_event(3, plate="晋H\ud80010001"))),
    ("NUL in the event id", json.dumps(gate_event(4) | {"event_id": "evt\x00-4"})),
    ("escape sequence in the lane", json.dumps(gate_event(5) | {"lane": "\x1b[2J"})),
    ("a number for the lane", json.dumps(gate_event(6) | {"lane": 99999999999999999999})),
    ("an infinite confidence", json.dumps(gate_event(7)).replace('"confidence": 0.9', '"confidence": 1e999')),
    ("nested 30,000 levels deep", DEEP),
    ("not UTF-8", b'{"plate": "\xc3\x28"}'),
]
# Reads whose text or clock is wrong in a way the gateway mends: each is a pass.
KEPT = [
    ("zero-width space in the plate", gate_event(20, plate="晋H\u200b10001")),
    ("camera clock in 9999", gate_event(21, plate="晋H20001", captured_at="9999-12-31T23:59:59+00:00")),
    ("camera clock before year 1 UTC", gate_event(22, plate="晋H30001", captured_at="0001-01-01T00:00:00+08:00")),
    ("camera clock in 1900", gate_event(23, plate="晋H40001", captured_at="1900-01-01T08:00:00+08:00")),
]


def errors_of(district) -> str:
    rows = district.engine.connect().execute(text("SELECT error FROM dead_letters ORDER BY id")).scalars().all()
    return "\n".join(rows)


def test_poison_messages_are_dead_letters_and_the_gateway_goes_on(live_district, broker, gateways):
    district = live_district
    device = "cam-poison-01"
    with district.engine.begin() as connection:  # an AlarmInfoPlate camera bound to the gate
        connection.execute(
            text("UPDATE gates SET device_sn = :sn WHERE code = :code"), {"sn": device, "code": district.gate}
        )
    gateways.append(district.start_gateway(broker))
    publisher = Publisher(broker)
    topic = f"gates/{district.gate}/events"
    for _, payload in POISON:
        publisher.publish(topic, payload)
    alarm = {
        "AlarmInfoPlate": {"serialno": device, "result": {"PlateResult": {"license": "晋H\x0050001", "plateid": 7}}}
    }
    publisher.publish(f"device/{device}/message/up/ivs_result", json.dumps(alarm))
    for _, event in KEPT:
        publisher.publish(topic, json.dumps(event, ensure_ascii=False))
    publisher.publish(topic, json.dumps(gate_event(99, plate="晋H10002")))  # a good event after all of them
    publisher.close()

    wanted = len(POISON) + 1
    district.wait_for(lambda: district.dead_letters() >= wanted and district.passes() >= len(KEPT) + 1, what="all")
    time.sleep(1)
    assert gateways[-1].poll() is None, "the gateway is still running"
    assert (district.dead_letters(), district.passes()) == (wanted, len(KEPT) + 1)
    errors = errors_of(district)
    for reason in ("U+0000", "U+202E", "U+D800", "U+001B", "Not a valid string", "nested deeper", "not UTF-8"):
        assert reason in errors, reason
    assert district.scalar("SELECT count(*) FROM plate_events WHERE plate = '晋H10002'") == 1
    assert district.scalar("SELECT count(*) FROM plate_events WHERE plate = '晋H10001'") == 1  # zero-width space gone
    assert district.scalar("SELECT count(*) FROM plate_events WHERE camera_time IS NOT NULL") == 3
    assert district.scalar("SELECT count(*) FROM plate_events WHERE vehicle_id IS NOT NULL") == len(KEPT) + 1


@pytest.mark.parametrize(("what", "payload"), POISON, ids=[what for what, _ in POISON])
def test_the_same_poison_over_http_is_a_4xx(client, what, payload, make_firm):
    from registry.extensions import db
    from registry.gates.services import create_gate

    gate, secret = create_gate(None, make_firm(), "东门")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    answer = client.post(f"/api/v1/gates/{gate.code}/events", data=payload, headers=headers)
    assert 400 <= answer.status_code < 500, (what, answer.status_code)
    assert answer.get_json()["code"] == answer.status_code
