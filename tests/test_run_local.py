"""`make run`'s script and the container entrypoint, end to end on embedded defaults."""

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.support.mosquitto import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.broker


def get(url: str, token: str | None = None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.read()


def wait_until_healthy(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the process exited early"
        try:
            if get(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(base)


def wait_for_line(log: Path, line: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while line not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, f"no line {line!r} in {log}"
        time.sleep(0.2)


def gateway_status(mqtt_port: int, want: str | None = None) -> str:
    """The gateway's status on the broker (the retained one first); with `want`, wait until it says so."""
    seen: queue.Queue = queue.Queue()
    client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
    client.on_connect = lambda c, *_: c.subscribe("gateway/status", qos=1)
    client.on_message = lambda _c, _u, m: seen.put(json.loads(m.payload)["status"])
    client.connect("127.0.0.1", mqtt_port)
    client.loop_start()
    try:
        status = seen.get(timeout=20)
        while want and status != want:
            status = seen.get(timeout=20)
        return status
    finally:
        client.loop_stop()
        client.disconnect()


def terminal_time(port: int, timeout: float = 60) -> bytes:
    """The platform's time, asked of the terminal receiver as a terminal asks it (command 0x05)."""
    from registry.obd.protocol.frames import Command, Frame, Reader

    ask = Frame(Command.TIME_CALIBRATION, "LZZ1ELSEXPW123456", b"").encode()
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                conn.sendall(ask)
                answer = b""
                while len(answer) < 31:
                    answer += conn.recv(64) or b"!" * 31
                return Reader().feed(answer[:31])[0].data
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_make_run_serves_docs_demo_data_and_a_connected_gateway(tmp_path):
    port, mqtt_port, obd_port = free_port(), free_port(), free_port()
    env = os.environ | {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "MQTT_URL": f"mqtt://127.0.0.1:{mqtt_port}",  # nothing there: the script starts mosquitto
        "PORT": str(port),
        "OBD_PORT": str(obd_port),
        "WEB_CONCURRENCY": "1",
        "DEMO_HISTORY_HOURS": "2",  # the demo's traffic, as make run seeds it (24 h by default)
    }
    env.pop("TEST_DATABASE_URL", None)
    with (tmp_path / "run.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "scripts/run_local.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process)
        assert b'"openapi"' in get(f"{base}/api/openapi.json")[1]
        assert b"swagger-ui-bundle.js" in get(f"{base}/api/docs")[1]
        credentials = json.loads((tmp_path / "instance" / "demo-credentials.json").read_text(encoding="utf-8"))
        firms = json.loads(get(f"{base}/api/v1/firms", credentials["api_tokens"]["demo-bureau"])[1])
        assert firms["total"] == 6
        passes = json.loads(get(f"{base}/api/v1/events", credentials["api_tokens"]["demo-bureau"])[1])
        assert passes["total"] > 0  # the last hours of the district's traffic, recorded at the first start
        assert gateway_status(mqtt_port) == "online"
        assert terminal_time(obd_port)  # the terminal receiver answers a time calibration
        # A process that dies is started again; the others go on.
        gateway = subprocess.run(
            ["pgrep", "-P", str(process.pid), "-f", "python.* -m gateway$"], capture_output=True, text=True
        )
        os.kill(int(gateway.stdout.split()[0]), signal.SIGKILL)
        wait_for_line(tmp_path / "run.log", "the gateway exited (status -9); restarting it in 1 s")
        wait_for_line(tmp_path / "run.log", "restarting the gateway")
        assert gateway_status(mqtt_port, want="online") == "online"
        assert get(f"{base}/healthz")[0] == 200
    finally:
        process.send_signal(signal.SIGINT)
        exit_code = process.wait(timeout=30)
    assert exit_code == 0, (tmp_path / "run.log").read_text(errors="replace")
    with pytest.raises(OSError):
        get(f"{base}/healthz")


def test_container_entrypoint_migrates_and_serves(tmp_path):
    port = free_port()
    env = os.environ | {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    with (tmp_path / "web.log").open("wb") as log:
        process = subprocess.Popen(
            ["sh", "scripts/container_start.sh", "web"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", process)
        status, body = get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200 and json.loads(body)["database"] == "ok"  # 200: migrations at head
    finally:
        process.terminate()
        process.wait(timeout=30)
