"""The gateway never loses an event: a real Mosquitto of the test's own, the real gateway process,
a real database. 2,000 events through a gateway SIGKILL, a broker restart and a database outage."""

import base64
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.support.databases import ROOT
from tests.support.gateway import Publisher, Watcher, event_ids, gate_event, in_background
from tests.support.mosquitto import Mosquitto, free_port
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.broker
FIXTURES = Path(__file__).parent / "fixtures"
EVENTS = 2000


@pytest.fixture
def district(live_district):
    return live_district


def test_gateway_killed_mid_stream_loses_nothing(district, broker, gateways):
    gateways.append(district.start_gateway(broker))
    publisher = Publisher(broker)
    sending = in_background(publisher.publish_events, district.gate, range(EVENTS), 0.0005)
    district.wait_for(lambda: district.passes() >= 400, what="400 passes")
    gateways[-1].send_signal(signal.SIGKILL)
    gateways[-1].wait(timeout=10)
    stored_at_kill = district.passes()
    time.sleep(1)
    gateways.append(district.start_gateway(broker))
    sending.join(timeout=120)
    publisher.close()
    district.wait_for(lambda: district.passes() >= EVENTS, what=f"{EVENTS} passes")
    time.sleep(2)  # anything redelivered after the restart must change nothing
    assert stored_at_kill < EVENTS
    assert (district.passes(), district.reads(), district.dead_letters()) == (EVENTS, EVENTS, 0)


def test_broker_restart_mid_stream_loses_nothing(district, broker, gateways):
    gateways.append(district.start_gateway(broker))
    publisher = Publisher(broker)
    publisher.publish_events(district.gate, range(EVENTS // 2))
    publisher.close()
    broker.stop()  # persistence on: the queued events of the gateway's session survive
    broker.start()
    publisher = Publisher(broker)
    publisher.publish_events(district.gate, range(EVENTS // 2, EVENTS))
    publisher.close()
    district.wait_for(lambda: district.passes() >= EVENTS, what=f"{EVENTS} passes")
    time.sleep(2)
    assert (district.passes(), district.reads(), district.dead_letters()) == (EVENTS, EVENTS, 0)


def test_database_unreachable_for_a_while_loses_nothing(district, broker, gateways):
    is_sqlite = district.url.startswith("sqlite")
    proxy = None
    if is_sqlite:  # an outage longer than the gateway's wait for the write lock
        gateways.append(district.start_gateway(broker, SQLITE_BUSY_TIMEOUT_SECONDS="2"))
    else:  # reach PostgreSQL through a proxy the test can cut
        url = make_url(district.url)
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        proxy.start()
        through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        gateways.append(district.start_gateway(broker, database_url=through))
    publisher = Publisher(broker)
    publisher.publish_events(district.gate, range(EVENTS // 2))
    district.wait_for(lambda: district.passes() >= EVENTS // 2, what="the first half")
    blocker = None
    if is_sqlite:  # another process holds the write lock longer than the gateway's busy timeout
        blocker = sqlite3.connect(district.url.removeprefix("sqlite:///"), isolation_level=None, timeout=60)
        blocker.execute("BEGIN EXCLUSIVE")
    else:
        proxy.cut()
    sending = in_background(publisher.publish_events, district.gate, range(EVENTS // 2, EVENTS))
    time.sleep(8)
    if blocker:  # the lock holder itself can still read
        stored_at_outage = blocker.execute("SELECT count(*) FROM plate_events").fetchone()[0]
    else:
        stored_at_outage = district.passes()
    if blocker:
        blocker.execute("ROLLBACK")
        blocker.close()
    else:
        proxy.start()
    sending.join(timeout=120)
    publisher.close()
    district.wait_for(lambda: district.passes() >= EVENTS, what=f"{EVENTS} passes")
    time.sleep(2)
    assert (district.passes(), district.reads(), district.dead_letters()) == (EVENTS, EVENTS, 0)
    assert stored_at_outage == EVENTS // 2  # nothing was stored, or acknowledged, during the outage
    assert gateways[-1].poll() is None, "the gateway recovered by itself"
    log = (district.folder / "gateway.log").read_text(errors="replace")
    assert "database failed" in log


def test_resends_poison_and_mosquitto_pub(district, broker, gateways):
    metrics_port = free_port()
    gateways.append(district.start_gateway(broker, GATEWAY_METRICS_PORT=str(metrics_port)))
    watcher = Watcher(broker, "gates/+/verdicts")

    publisher = Publisher(broker)
    publisher.publish_events(district.gate, range(100))
    publisher.publish_events(district.gate, range(100))  # the camera resends them all
    topic = f"gates/{district.gate}/events"
    poison = [
        b"not json at all",
        b"[1, 2, 3]",
        json.dumps({"plate": "晋H00001"}).encode(),  # wrong schema
        json.dumps(gate_event(1, direction="sideways")).encode(),
        b'{"event_id": "big", "pad": "' + b"x" * 70_000 + b'"}',  # over MAX_EVENT_BYTES (64 KiB here)
    ]
    for payload in poison:
        publisher.publish(topic, payload)
    publisher.publish("gates/NO-SUCH-GATE/events", json.dumps(gate_event(500)))
    publisher.close()
    subprocess.run(  # the command-line client a firm's integrator would try first
        [
            "mosquitto_pub",
            "-h",
            "127.0.0.1",
            "-p",
            str(broker.port),
            "-q",
            "1",
            "-t",
            topic,
            "-m",
            json.dumps(gate_event(900, plate="晋H10001"), ensure_ascii=False),
        ],
        check=True,
        timeout=30,
    )
    subprocess.run(
        ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1", "-t", topic, "-m", "{broken"],
        check=True,
        timeout=30,
    )

    district.wait_for(lambda: district.passes() >= 101 and district.dead_letters() >= 7, what="all handled")
    time.sleep(1)
    assert (district.passes(), district.reads(), district.dead_letters()) == (101, 101, 7)
    errors = (
        district.scalar("SELECT string_agg(error, ' | ') FROM dead_letters")
        if not district.url.startswith("sqlite")
        else district.scalar("SELECT group_concat(error, ' | ') FROM dead_letters")
    )
    for reason in ("not JSON", "not a JSON object", "invalid fields", "MAX_EVENT_BYTES", "NO-SUCH-GATE"):
        assert reason in errors

    seen = {}
    for _, body in watcher.collect(lambda messages: len(event_ids(messages)) >= 101):
        seen.setdefault(body["event_id"], body)
    assert len(seen) == 101
    registered = seen["evt-000900"]
    assert registered["plate"] == "晋H10001" and registered["decision"] in ("pass", "deny", "review")
    assert registered["display"].startswith("晋H10001 ")
    assert seen["evt-000001"]["decision"] == "review"  # not a registered truck
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as response:
        exposed = response.read().decode()
    assert "gateway_passes_stored_total 101.0" in exposed
    assert "gateway_duplicates_total 100.0" in exposed
    assert 'gateway_dead_letters_total{reason="schema"} 3.0' in exposed
    assert "gateway_broker_connected 1.0" in exposed
    assert "gateway_processing_seconds_bucket" in exposed


def test_alarminfoplate_camera_over_mqtt_gets_a_barrier_command_on_pass(district, broker, gateways):
    serial = "a1b2c3d4-e5f60708"
    with district.engine.begin() as connection:
        connection.execute(
            text("UPDATE gates SET device_sn = :sn WHERE code = :code"), {"sn": serial, "code": district.gate}
        )
    gateways.append(district.start_gateway(broker))
    watcher = Watcher(broker, f"device/{serial}/message/down/#", f"gates/{district.gate}/verdicts")
    template = json.loads((FIXTURES / "alarminfoplate_ivs_result.json").read_text(encoding="utf-8"))
    publisher = Publisher(broker)
    for plate, unique in (("晋H10001", "u-pass"), ("晋H40001", "u-deny")):  # China VI; China III diesel
        message = json.loads(json.dumps(template))
        message["unique_id"] = unique
        message["payload"]["AlarmInfoPlate"]["result"]["PlateResult"]["license"] = base64.b64encode(
            plate.encode("gb18030")
        ).decode()
        publisher.publish(f"device/{serial}/message/up/ivs_result", json.dumps(message))
    publisher.close()
    messages = watcher.collect(lambda messages: len(messages) >= 3)
    commands = [body for topic, body in messages if topic.endswith("gpio_out")]
    verdicts = {body["event_id"]: body for topic, body in messages if topic.endswith("verdicts")}
    assert [c["id"] for c in commands] == ["u-pass"] and commands[0]["payload"]["type"] == "gpio_out"
    assert verdicts["u-pass"]["decision"] == "pass" and verdicts["u-deny"]["decision"] == "deny"
    assert district.passes() == 2


def test_verdicts_beyond_the_brokers_receive_maximum_wait_for_acks_and_all_arrive(district, tmp_path, gateways):
    narrow = Mosquitto(tmp_path / "narrow", in_flight=3)  # tells MQTT 5 clients: Receive Maximum 3
    narrow.start()
    try:
        gateways.append(district.start_gateway(narrow))
        watcher = Watcher(narrow, f"gates/{district.gate}/verdicts")
        publisher = Publisher(narrow)
        publisher.publish_events(district.gate, range(200))
        publisher.close()
        seen = event_ids(watcher.collect(lambda messages: len(event_ids(messages)) >= 200, timeout=60))
        assert len(seen) == 200 and district.passes() == 200
        log = (district.folder / "gateway.log").read_text(encoding="utf-8", errors="replace")
        assert "3 messages in flight accepted" in log and "disconnected" not in log
    finally:
        narrow.remove()


def test_gate_simulator_feeds_the_demo_district(district, broker, gateways):
    # the simulator's messages carry two pictures each, as cameras' do: the production limit, not the 64 KB
    # this module's other tests run under
    gateways.append(district.start_gateway(broker, MAX_EVENT_BYTES=str(4 * 1024 * 1024)))
    result = subprocess.run(
        [
            sys.executable,
            "scripts/simulate_gates.py",
            "--backfill",
            "12",
            "--hours",
            "0",
            "--count",
            "120",
            "--seed",
            "7",
        ],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": district.url, "MQTT_URL": broker.url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    district.wait_for(lambda: district.reads() >= 100, what="simulated reads")
    time.sleep(2)
    passes, reads = district.passes(), district.reads()
    assert 0 < passes < reads <= 120  # repeats of one pass merged, resends not counted twice
    assert district.scalar("SELECT count(*) FROM violations") > 0
    assert district.dead_letters() == 0
    assert district.scalar("SELECT count(*) FROM pass_images") >= 2 * passes  # the truck and its plate, each pass


def test_two_gateways_share_the_load_with_a_shared_subscription(district, broker, gateways):
    if district.url.startswith("sqlite"):
        pytest.skip("several gateways need PostgreSQL: SQLite takes one writer at a time")
    ports = [free_port(), free_port()]
    for n, port in enumerate(ports):
        member = {"GATEWAY_SHARED_GROUP": "gateways", "GATEWAY_CLIENT_ID": f"gateway-{n}"}
        gateways.append(district.start_gateway(broker, GATEWAY_METRICS_PORT=str(port), **member))
    publisher = Publisher(broker)
    publisher.publish_events(district.gate, range(600))
    publisher.publish_events(district.gate, range(100))  # resends may land on either member
    publisher.close()
    district.wait_for(lambda: district.reads() >= 600, what="600 reads")
    time.sleep(2)
    assert (district.passes(), district.reads(), district.dead_letters()) == (600, 600, 0)
    for port in ports:  # each member took a share
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            exposed = response.read().decode()
        received = next(line for line in exposed.splitlines() if line.startswith("gateway_messages_received_total"))
        assert float(received.split()[-1]) > 0


def test_three_store_workers_share_the_gates_and_lose_nothing_when_killed(district, broker, gateways):
    """Each worker takes its gates' reads (gateway.service.shard_of): every gate's reads are stored once,
    a pass's second read merged into it, through a SIGKILL of the whole gateway mid-stream."""
    if district.url.startswith("sqlite"):
        pytest.skip("several store workers need PostgreSQL: SQLite takes one writer at a time")
    gates = sorted(district.gate_secrets)
    gateways.append(district.start_gateway(broker, GATEWAY_WORKERS="3"))
    children = Path(f"/proc/{gateways[-1].pid}/task/{gateways[-1].pid}/children").read_text().split()
    commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children]
    assert sum(b"spawn_main" in command for command in commands) == 3  # besides multiprocessing's tracker
    publisher = Publisher(broker)

    def send():
        for n in range(700):
            event = gate_event(n)
            publisher.publish(f"gates/{gates[n % len(gates)]}/events", json.dumps(event))
            if n % 7 == 6:  # the same truck read again at the same gate: one pass
                again = event | {"event_id": f"{event['event_id']}-again", "confidence": 0.95}
                publisher.publish(f"gates/{gates[n % len(gates)]}/events", json.dumps(again))

    sending = in_background(send)
    district.wait_for(lambda: district.reads() >= 200, what="200 reads")
    gateways[-1].send_signal(signal.SIGKILL)
    gateways[-1].wait(timeout=10)
    gateways.append(district.start_gateway(broker, GATEWAY_WORKERS="3"))
    sending.join(timeout=120)
    publisher.close()
    district.wait_for(lambda: district.reads() >= 800, what="800 reads")
    time.sleep(2)
    assert (district.passes(), district.reads(), district.dead_letters()) == (700, 800, 0)
    assert district.scalar("SELECT count(DISTINCT gate_id) FROM plate_events") == len(gates)
    assert district.scalar("SELECT count(*) FROM plate_events WHERE read_count = 2") == 100


def test_gateway_with_the_store_loop_in_a_thread(district, broker, gateways):
    gateways.append(district.start_gateway(broker, GATEWAY_WORKER="thread"))
    publisher = Publisher(broker)
    publisher.publish_events(district.gate, range(300))
    publisher.publish_events(district.gate, range(50))
    publisher.close()
    district.wait_for(lambda: district.reads() >= 300, what="300 reads")
    time.sleep(1)
    assert (district.passes(), district.reads(), district.dead_letters()) == (300, 300, 0)
    gateways[-1].send_signal(signal.SIGTERM)
    assert gateways[-1].wait(timeout=20) == 0


def test_clean_stop_mid_stream_then_restart_loses_nothing(district, broker, gateways):
    gateways.append(district.start_gateway(broker))
    publisher = Publisher(broker)
    sending = in_background(publisher.publish_events, district.gate, range(EVENTS), 0.0005)
    district.wait_for(lambda: district.passes() >= 300, what="300 passes")
    gateways[-1].send_signal(signal.SIGTERM)
    assert gateways[-1].wait(timeout=30) == 0  # stops promptly even with messages still queued
    gateways.append(district.start_gateway(broker))
    sending.join(timeout=120)
    publisher.close()
    district.wait_for(lambda: district.passes() >= EVENTS, what=f"{EVENTS} passes")
    time.sleep(2)
    assert (district.passes(), district.reads(), district.dead_letters()) == (EVENTS, EVENTS, 0)
