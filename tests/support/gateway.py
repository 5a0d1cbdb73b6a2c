"""Running the real gateway process against a database and broker of the test's own."""

import json
import os
import queue
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import create_engine, text

from tests.support.databases import ROOT, empty_database, flask_cli


class LiveDistrict:
    """A migrated database with the demo district seeded, and the gateway processes run on it."""

    def __init__(self, url: str, folder: Path):
        self.url, self.folder = url, folder
        credentials = folder / "demo.json"
        for args in (("db", "upgrade"), ("demo", "seed", "--credentials", str(credentials))):
            result = flask_cli(url, *args, env={"INSTANCE_PATH": str(folder)})
            assert result.returncode == 0, result.stderr
        saved = json.loads(credentials.read_text(encoding="utf-8"))
        self.gate_secrets = saved["gate_secrets"]
        self.roadside_secrets = saved.get("roadside_secrets", {})
        self.passwords = saved["page_passwords"]
        self.gate = sorted(self.gate_secrets)[0]
        self.engine = create_engine(url)

    def scalar(self, sql: str):
        with self.engine.connect() as connection:
            return connection.execute(text(sql)).scalar()

    def passes(self) -> int:
        return self.scalar("SELECT count(*) FROM plate_events")

    def reads(self) -> int:
        return self.scalar("SELECT count(*) FROM plate_reads")

    def dead_letters(self) -> int:
        return self.scalar("SELECT count(*) FROM dead_letters")

    def wait_for(self, condition, timeout: float = 90.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        raise TimeoutError(f"{what} not reached: {self.passes()} passes, {self.dead_letters()} dead letters")

    def start_gateway(self, broker, database_url: str | None = None, **env) -> subprocess.Popen:
        full_env = (
            os.environ
            | {
                "DATABASE_URL": database_url or self.url,
                "MQTT_URL": broker.url,
                "GATEWAY_CLIENT_ID": "gateway-under-test",
                "GATEWAY_METRICS_PORT": "0",
                "INSTANCE_PATH": str(self.folder),
                "MAX_EVENT_BYTES": "65536",
            }
            | env
        )
        with announced_online(broker), (self.folder / "gateway.log").open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gateway"], cwd=ROOT, env=full_env, stdout=log, stderr=log
            )
        return process

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def announced_online(broker, timeout: float = 30):
    """Watch gateway/status around starting a gateway; on leaving, wait for its live "online"
    (a retained one may be another gateway's), so that its subscription exists."""
    seen = threading.Event()
    subscribed = threading.Event()
    client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
    client.on_connect = lambda c, *_: c.subscribe("gateway/status", qos=1)
    client.on_subscribe = lambda *_: subscribed.set()

    def on_message(_client, _userdata, message):
        if not message.retain and json.loads(message.payload).get("status") == "online":
            seen.set()

    client.on_message = on_message
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        subscribed.wait(10)
        yield
        if not seen.wait(timeout):
            raise TimeoutError("the gateway did not come online")
    finally:
        client.loop_stop()
        client.disconnect()


@pytest.fixture
def live_district(tmp_path):
    """A migrated database of the test's own with the demo district, for gateway processes."""
    with empty_database(tmp_path) as url:
        live = LiveDistrict(url, tmp_path)
        try:
            yield live
        finally:
            live.close()


@pytest.fixture
def gateways():
    """Gateway processes a test starts (append them); stopped after it."""
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def gate_event(index: int, plate: str | None = None, **overrides) -> dict:
    """A distinct pass: digit-only plates are never look-alikes of one another."""
    return {
        "event_id": f"evt-{index:06d}",
        "plate": plate or f"晋H{index:05d}",
        "plate_color": "yellow",
        "direction": "in",
        "captured_at": datetime.now(UTC).isoformat(),
        "confidence": 0.9,
    } | overrides


class Publisher:
    """A paho client publishing QoS 1 messages and waiting for the broker to take each."""

    def __init__(self, broker, client_id: str = "camera-simulator"):
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5)
        self.client.max_inflight_messages_set(100)
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()

    def publish(self, topic: str, payload: bytes | str) -> None:
        info = self.client.publish(topic, payload, qos=1)
        info.wait_for_publish(timeout=30)

    def publish_events(self, gate: str, indexes, pause: float = 0.0) -> None:
        pending = []
        for index in indexes:
            pending.append(self.client.publish(f"gates/{gate}/events", json.dumps(gate_event(index)), qos=1))
            if pause:
                time.sleep(pause)
        for info in pending:
            info.wait_for_publish(timeout=60)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


class Watcher:
    """A client collecting (topic, JSON body) of every message on some topics, as a gate would."""

    def __init__(self, broker, *topics: str):
        self.received: queue.Queue = queue.Queue()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
        self.client.on_connect = lambda c, *_: [c.subscribe(topic, qos=1) for topic in topics]
        self.client.on_message = lambda _c, _u, m: self.received.put((m.topic, json.loads(m.payload)))
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()
        time.sleep(0.5)  # subscribed before anything is published

    def collect(self, enough, timeout: float = 20) -> list[tuple[str, dict]]:
        """Messages until `enough(messages)` holds or `timeout` seconds have passed; then disconnects."""
        messages = []
        deadline = time.monotonic() + timeout
        while not enough(messages) and time.monotonic() < deadline:
            try:
                messages.append(self.received.get(timeout=1))
            except queue.Empty:
                continue
        self.client.loop_stop()
        self.client.disconnect()
        return messages


def event_ids(messages: list[tuple[str, dict]]) -> set[str]:
    return {body["event_id"] for _, body in messages}


def in_background(function, *args) -> threading.Thread:
    thread = threading.Thread(target=function, args=args, daemon=True)
    thread.start()
    return thread
