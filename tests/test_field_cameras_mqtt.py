"""AlarmInfoPlate cameras over MQTT against a real Mosquitto and the real gateway: both topic layouts,
the barrier command on the camera's own layout, heartbeats, what is not understood kept as a dead
letter, and a camera's offline backlog of 300 records delivered in full and resent in full."""

import base64
import json
import random
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from tests.support.gateway import Publisher, Watcher

pytestmark = pytest.mark.broker
SERIAL = "0670f9b9-d723fc2c"


@pytest.fixture
def district(live_district):
    with live_district.engine.begin() as connection:
        connection.execute(
            text("UPDATE gates SET device_sn = :sn WHERE code = :code"), {"sn": SERIAL, "code": live_district.gate}
        )
    return live_district


def ivs_result(plate: str, when: datetime, rng: random.Random, **result) -> str:
    """An ivs_result as R3-class firmware sends it: `color`, `pos`, the plate base64, keys in any order."""
    encoding = rng.choice(["utf-8", "gb18030"])
    plate_result = {
        "license": base64.b64encode(plate.encode(encoding)).decode(),
        "color": 2,
        "pos": {"left": 800, "top": 670, "right": 1040, "bottom": 740},
        "confidence": 93,
        "direction": 4,
        "triggerType": 8,
        "unknownFirmwareField": rng.random(),
    } | result
    items = list(plate_result.items())
    rng.shuffle(items)
    envelope = {
        "name": "ivs_result",
        "timestamp": int(when.timestamp()),
        "payload": {"AlarmInfoPlate": {"serialno": SERIAL, "result": {"PlateResult": dict(items)}}},
    }
    if rng.random() < 0.5:
        envelope |= {"id": f"m-{rng.getrandbits(32)}", "sn": SERIAL, "version": "1.0"}
    return json.dumps(envelope, ensure_ascii=rng.random() < 0.5)


def test_both_layouts_heartbeat_and_dead_letters(district, broker, gateways):
    gateways.append(district.start_gateway(broker))
    rng = random.Random(7)
    now = datetime.now(UTC)
    watcher = Watcher(broker, f"device/{SERIAL}/message/down/#", f"{SERIAL}/device/message/down/#")
    time.sleep(1)  # both subscriptions in place
    publisher = Publisher(broker)
    publisher.publish(f"{SERIAL}/device/message/up/ivs_result", ivs_result("晋H10001", now, rng))  # China VI: pass
    publisher.publish(f"device/{SERIAL}/message/up/ivs_result", ivs_result("晋H10001", now + timedelta(seconds=5), rng))
    publisher.publish(f"{SERIAL}/device/message/up/keep_alive", json.dumps({"name": "keep_alive", "timestamp": 1}))
    publisher.publish(f"{SERIAL}/device/message/up/ivs_result", b"not json")
    publisher.publish(f"{SERIAL}/device/message/up/ivs_result", json.dumps({"payload": {"Something": 1}}))
    publisher.close()
    commands = watcher.collect(lambda messages: len(messages) >= 2, timeout=30)
    district.wait_for(lambda: district.dead_letters() >= 2 and district.reads() >= 2, what="stored")
    topics = sorted(topic for topic, _ in commands)
    assert topics == sorted([f"device/{SERIAL}/message/down/gpio_out", f"{SERIAL}/device/message/down/gpio_out"])
    assert district.scalar("SELECT count(*) FROM plate_reads WHERE source = 'alarminfoplate'") == 2
    assert district.scalar("SELECT count(DISTINCT plate_color) FROM plate_events") == 1  # `color` read
    assert district.scalar("SELECT min(time_source) FROM plate_events") == "envelope"
    district.wait_for(lambda: district.scalar(f"SELECT last_seen_at FROM gates WHERE device_sn = '{SERIAL}'"))
    assert district.dead_letters() == 2


def test_offline_backlog_of_300_over_mqtt_is_stored_in_full_and_resent_in_full(district, broker, gateways):
    gateways.append(district.start_gateway(broker))
    rng = random.Random(11)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    messages = [
        ivs_result(
            f"晋H2{i:04d}",
            start + timedelta(minutes=3 * i),
            rng,
            isoffline=1,
            plateid=9000 + i,
            timeStamp={"Timeval": {"sec": int((start + timedelta(minutes=3 * i)).timestamp()), "usec": 0}},
        )
        for i in range(300)
    ]
    watcher = Watcher(broker, f"{SERIAL}/device/message/down/#")
    publisher = Publisher(broker)
    for message in messages:
        publisher.publish(f"{SERIAL}/device/message/up/ivs_result", message)
    district.wait_for(lambda: district.reads() >= 300, what="300 backlog records")
    for message in messages:  # the camera sends it all again
        publisher.publish(f"{SERIAL}/device/message/up/ivs_result", message)
    publisher.close()
    time.sleep(3)
    assert district.reads() == 300 and district.passes() == 300
    assert district.scalar("SELECT count(*) FROM plate_reads WHERE backlog") == 300
    first = district.scalar("SELECT min(captured_at) FROM plate_events")
    assert str(first)[:16] == start.strftime("%Y-%m-%d %H:%M")  # each at its own capture time
    assert district.scalar("SELECT count(DISTINCT sequence) FROM plate_reads") == 300
    assert watcher.collect(lambda messages: False, timeout=2) == []  # history opens no barrier
