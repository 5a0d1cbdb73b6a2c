"""python -m gateway against a real broker: announces itself, and its last will says offline."""

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import time
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.broker


def status_watcher(broker):
    """A client collecting every message on gateway/status."""
    seen: queue.Queue = queue.Queue()
    client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
    client.on_connect = lambda c, *_: c.subscribe("gateway/status", qos=1)
    client.on_message = lambda _c, _u, message: seen.put(json.loads(message.payload)["status"])
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    return client, seen


def start_gateway(broker) -> subprocess.Popen:
    env = os.environ | {
        "MQTT_URL": broker.url,
        "GATEWAY_CLIENT_ID": "gateway-under-test",
        "GATEWAY_METRICS_PORT": "0",
        "INSTANCE_PATH": str(broker.folder),
    }
    with (broker.folder / "gateway.log").open("ab") as log:
        return subprocess.Popen([sys.executable, "-m", "gateway"], cwd=ROOT, env=env, stdout=log, stderr=log)


def next_status(seen: queue.Queue) -> str:
    return seen.get(timeout=15)


def test_gateway_announces_online_and_offline_on_clean_stop(broker):
    client, seen = status_watcher(broker)
    gateway = start_gateway(broker)
    try:
        assert next_status(seen) == "online"
        gateway.send_signal(signal.SIGTERM)
        assert gateway.wait(timeout=15) == 0
        assert next_status(seen) == "offline"
    finally:
        gateway.kill()
        client.loop_stop()
        client.disconnect()


def test_last_will_reports_offline_when_the_gateway_is_killed(broker):
    client, seen = status_watcher(broker)
    gateway = start_gateway(broker)
    try:
        assert next_status(seen) == "online"
        gateway.kill()  # SIGKILL: no chance to say goodbye, the broker sends the will
        gateway.wait(timeout=15)
        assert next_status(seen) == "offline"
    finally:
        client.loop_stop()
        client.disconnect()


def test_gateway_waits_for_a_broker_that_starts_late(tmp_path):
    from tests.support.mosquitto import Mosquitto

    late = Mosquitto(tmp_path / "late")
    late.folder.mkdir(parents=True, exist_ok=True)
    gateway = start_gateway(late)
    try:
        late.start()
        client, seen = status_watcher(late)
        assert next_status(seen) == "online"  # retained, or published once the gateway reconnects
        client.loop_stop()
        client.disconnect()
    finally:
        gateway.terminate()
        gateway.wait(timeout=15)
        late.remove()


def test_the_store_worker_exits_when_the_gateway_is_killed_while_it_starts(broker):
    """Killed before its worker process has even built its app, the gateway must not leave the worker
    running on: it would hold a database connection and batches nobody can acknowledge."""
    gateway = start_gateway(broker)
    try:
        worker = _first_child(gateway.pid)
        gateway.kill()
        gateway.wait(timeout=15)
        deadline = time.monotonic() + 30
        while _running(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _running(worker), "the store worker outlived its gateway"
    finally:
        gateway.kill()


def _first_child(pid: int, timeout: float = 15) -> int:
    """The gateway's store worker (multiprocessing's spawn), not its resource tracker."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in children.read_text().split() if children.exists() else []:
            with contextlib.suppress(FileNotFoundError):
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    return int(child)
        time.sleep(0.01)
    raise AssertionError("the gateway started no worker process")


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; whoever adopted it may not have reaped it yet
