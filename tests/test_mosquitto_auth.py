"""scripts/mosquitto_auth.py: a real Mosquitto with the generated password file and ACL lets each
gate publish only to its own topics, with its own secret."""

import os
import pwd
import queue
import shutil
import subprocess
import sys
import threading

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import text

from tests.support.databases import ROOT, empty_database
from tests.support.gateway import LiveDistrict
from tests.support.mosquitto import Mosquitto

pytestmark = pytest.mark.broker
ACCEPTED = {0, 16}  # success, or "no matching subscribers"
NOT_AUTHORIZED = 135


def connect(broker, user, password):
    """A connected client, or the reason the broker refused it."""
    result: queue.Queue = queue.Queue()
    client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
    client.username_pw_set(user, password)
    client.on_connect = lambda _c, _u, _f, reason, _p: result.put(reason)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    reason = result.get(timeout=10)
    if reason.is_failure:
        client.loop_stop()
        return None, reason
    return client, reason


def publish_reason(client, topic: str) -> int:
    """The PUBACK reason code for a QoS 1 publish."""
    done = threading.Event()
    codes = {}

    def on_publish(_client, _userdata, mid, reason_code, _properties):
        codes[mid] = reason_code.value
        done.set()

    client.on_publish = on_publish
    info = client.publish(topic, b'{"probe": true}', qos=1)
    assert done.wait(10)
    return codes[info.mid]


def test_gates_publish_only_to_their_own_topics(tmp_path):
    with empty_database(tmp_path) as url:
        district = LiveDistrict(url, tmp_path)
        mine, other = sorted(district.gate_secrets)[:2]
        with district.engine.begin() as connection:  # an AlarmInfoPlate camera at this gate
            connection.execute(text("UPDATE gates SET device_sn = 'cam-0001' WHERE code = :code"), {"code": mine})
        out = tmp_path / "auth"
        result = subprocess.run(
            [sys.executable, "scripts/mosquitto_auth.py", "--out", str(out), "--gateway-password", "gw-secret-123"],
            cwd=ROOT,
            env=os.environ | {"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        district.close()
    broker = Mosquitto(tmp_path / "broker", anonymous=False)
    for name in ("passwd", "acl"):
        shutil.copy(out / name, broker.data / name)
        if os.geteuid() == 0:
            user = pwd.getpwnam("mosquitto")
            os.chown(broker.data / name, user.pw_uid, user.pw_gid)
    broker.config.write_text(
        broker.config.read_text() + f"password_file {broker.data / 'passwd'}\nacl_file {broker.data / 'acl'}\n"
    )
    broker.start()
    try:
        gate, _ = connect(broker, mine, district.gate_secrets[mine])
        assert gate is not None
        assert publish_reason(gate, f"gates/{mine}/events") in ACCEPTED
        assert publish_reason(gate, f"gates/{other}/events") == NOT_AUTHORIZED
        assert publish_reason(gate, f"gates/{mine}/verdicts") == NOT_AUTHORIZED
        for topic in ("device/cam-0001/message/up/ivs_result", "cam-0001/device/message/up/ivs_result"):
            assert publish_reason(gate, topic) in ACCEPTED, topic  # both AlarmInfoPlate layouts
        for topic in ("device/cam-9999/message/up/ivs_result", "cam-9999/device/message/up/ivs_result"):
            assert publish_reason(gate, topic) == NOT_AUTHORIZED, topic  # not its camera
        gate.loop_stop()
        gate.disconnect()

        refused, reason = connect(broker, mine, "not-the-secret")
        assert refused is None and reason.is_failure
        anonymous, reason = connect(broker, None, None)
        assert anonymous is None and reason.is_failure
        gateway, _ = connect(broker, "registry-gateway", "gw-secret-123")
        assert gateway is not None
        assert publish_reason(gateway, f"gates/{mine}/verdicts") in ACCEPTED
        for topic in ("device/cam-0001/message/down/gpio_out", "cam-0001/device/message/down/gpio_out"):
            assert publish_reason(gateway, topic) in ACCEPTED, topic
        gateway.loop_stop()
        gateway.disconnect()
    finally:
        broker.remove()
