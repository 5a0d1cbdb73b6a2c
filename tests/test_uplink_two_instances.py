"""Two instances: a district reports upward to another instance serving as the city's platform, over
HTTPS with a token. The city is killed (SIGKILL, as a machine losing power) while passes keep coming and
batches are in flight, then restarted: every record arrives exactly once, in the district's order.
On PostgreSQL two relays run at once, as on two hosts."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from registry import create_app
from registry.extensions import db
from registry.firms.schemas import FirmInputSchema
from registry.firms.services import create_firm
from registry.gates.services import create_gate
from registry.uplink.models import UplinkRecord, UplinkTarget
from registry.uplink.services import add_target
from tests.support.databases import ROOT, empty_database, flask_cli
from tests.support.mosquitto import free_port
from tests.support.web import kill_registry, start_registry

PASSES_PER_ROUND = 40


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key; the district trusts it as its private CA."""
    cert, key = folder / "city.pem", folder / "city.key"
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    subprocess.run(
        [*request, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def start_relay(url: str, folder: Path, name: str) -> subprocess.Popen:
    env = os.environ | {
        "FLASK_APP": "wsgi",
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(folder),
        "UPLINK_SOURCE": "140902",
        "UPLINK_BACKOFF_MAX_SECONDS": "1",
        "UPLINK_POLL_SECONDS": "1",
        "UPLINK_TIMEOUT_SECONDS": "5",
        "OUTBOUND_PRIVATE_HOSTS": "127.0.0.1",  # the city's test instance is on this machine
    }
    with (folder / f"{name}.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "uplink", "relay"], cwd=ROOT, env=env, stdout=log, stderr=log
        )


def received(city_url: str) -> list[tuple[str, int]]:
    engine = create_engine(city_url)
    try:
        with engine.connect() as connection:
            return [
                tuple(row) for row in connection.execute(text("SELECT key, sequence FROM reported_records ORDER BY id"))
            ]
    finally:
        engine.dispose()


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


@pytest.fixture
def district_and_city(tmp_path):
    with empty_database(tmp_path) as district_url, empty_database(tmp_path) as city_url:
        for url in (district_url, city_url):
            migrated = flask_cli(url, "db", "upgrade")
            assert migrated.returncode == 0, migrated.stderr
        added = flask_cli(city_url, "reports", "add-source", "140902", "忻府区")
        assert added.returncode == 0, added.stderr
        yield district_url, city_url, added.stdout.strip().splitlines()[-1]


def test_every_record_arrives_once_in_order_though_the_city_is_killed_mid_stream(tmp_path, district_and_city):
    district_url, city_url, token = district_and_city
    (tmp_path / "uplink-ca").mkdir()
    cert, key = self_signed(tmp_path / "uplink-ca")  # the relay's UPLINK_CA_DIR: INSTANCE_PATH/uplink-ca
    port = free_port()
    district = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": district_url,
            "IMAGE_DIR": str(tmp_path / "images"),
            "CAMERA_CLOCK_BEHIND_DAYS": 36_600,
            "OUTBOUND_PRIVATE_HOSTS": ["127.0.0.1"],
        }
    )
    with district.app_context():
        firm = create_firm(None, FirmInputSchema().load({"name": "华电忻州热电", "industry": "power"}))
        gate, secret = create_gate(None, firm, "东门")
        add_target(
            None,
            {
                "name": "市平台",
                "url": f"https://127.0.0.1:{port}/api/v1/reports/batches",
                "token": token,
                "ca_file": cert.name,
                "batch_size": 7,  # small batches: many in flight when the city dies
            },
        )
        db.session.commit()
        gate_code = gate.code
        db.session.remove()
    cameras = district.test_client()
    sent = 0

    def drive(rounds: int) -> None:
        nonlocal sent
        for _ in range(rounds):
            reads = [
                {
                    "event_id": f"e-{sent + i}",
                    "plate": f"晋H{10000 + sent + i}",
                    "plate_color": "yellow",
                    "direction": "in" if i % 2 else "out",
                    "captured_at": f"2026-11-20T{8 + (sent + i) // 3600 % 10:02d}:{(sent + i) // 60 % 60:02d}:"
                    f"{(sent + i) % 60:02d}+08:00",
                    "confidence": 0.9,
                }
                for i in range(PASSES_PER_ROUND)
            ]
            for body in reads:
                answer = cameras.post(
                    f"/api/v1/gates/{gate_code}/events", json=body, headers={"Authorization": f"Bearer {secret}"}
                )
                assert answer.status_code == 201, answer.get_json()
            sent += PASSES_PER_ROUND
            time.sleep(0.2)

    def target() -> UplinkTarget:
        with district.app_context():
            row = db.session.scalar(select(UplinkTarget))
            db.session.expunge(row)
            db.session.remove()
            return row

    city = start_registry(city_url, tmp_path, port, tls=(cert, key))
    relays = [start_relay(district_url, tmp_path, "relay-1")]
    if district_url.startswith("postgresql"):
        relays.append(start_relay(district_url, tmp_path, "relay-2"))  # a second host: never both at once
    try:
        drive(2)
        wait_for(lambda: len(received(city_url)) > 0, 30, "the first batches")
        kill_registry(city)  # mid-stream: passes keep coming, batches are in flight
        drive(2)
        wait_for(lambda: target().failures > 0, 30, "the relay to notice")
        failing = target()
        assert failing.last_error and failing.next_attempt_at is not None
        city = start_registry(city_url, tmp_path, port, tls=(cert, key))
        drive(2)
        wait_for(lambda: len(received(city_url)) >= sent, 90, "every record")
        time.sleep(1.5)  # nothing more (no duplicate) arrives after the last
    finally:
        for relay in relays:
            relay.terminate()
        for relay in relays:
            assert relay.wait(timeout=15) == 0, (tmp_path / "relay-1.log").read_text()
        kill_registry(city)

    with district.app_context():
        order = db.session.scalars(select(UplinkRecord.id).order_by(UplinkRecord.tx_id, UplinkRecord.id)).all()
        done = db.session.scalar(select(UplinkTarget))
        assert (done.failures, done.delivered) == (0, sent)
        db.session.remove()
    arrived = received(city_url)
    assert len(order) == sent  # one record per pass: none was merged in this test
    assert [sequence for _, sequence in arrived] == order  # exactly once each, in the district's order
    assert len({key for key, _ in arrived}) == sent
    assert all(key.startswith("140902:pass:") for key, _ in arrived)
