"""A camera clock far from the time of receipt is wrong: the pass is kept, judged and stored at the
time of receipt, the camera's time is recorded, and the dashboard shows the gate's clock problem."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from registry.accounts.models import Role
from registry.events.models import PlateEvent
from registry.extensions import db
from registry.gates.services import create_gate
from registry.ingest.reads import clock_is_wrong

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def real_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "CAMERA_CLOCK_AHEAD_HOURS", 24)
    monkeypatch.setitem(app.config, "CAMERA_CLOCK_BEHIND_DAYS", 730)


@pytest.fixture
def gate(make_firm):
    gate, secret = create_gate(None, make_firm(name="华电热电", industry="power", performance_grade="D"), "东门")
    db.session.commit()
    return gate, {"Authorization": f"Bearer {secret}"}


def push(client, gate, at: str, event_id: str = "e-1", plate: str = "晋H20001"):
    body = {"event_id": event_id, "plate": plate, "plate_color": "yellow", "direction": "in", "captured_at": at}
    return client.post(f"/api/v1/gates/{gate[0].code}/events", json=body, headers=gate[1])


@pytest.mark.parametrize(
    ("claimed", "wrong"),
    [
        (NOW, False),
        (NOW + timedelta(hours=23), False),
        (NOW + timedelta(hours=25), True),
        (NOW - 700 * DAY, False),  # an offline backlog uploaded late
        (NOW - 731 * DAY, True),
        (datetime.max.replace(tzinfo=UTC), True),
        (datetime.min.replace(tzinfo=UTC), True),
    ],
)
def test_clock_is_wrong(claimed, wrong):
    assert clock_is_wrong(claimed, NOW, timedelta(hours=24), 730 * DAY) is wrong


@pytest.mark.parametrize(
    "claimed",
    [
        "9999-12-31T23:59:59+00:00",
        "2199-01-01T08:00:00+08:00",
        "1900-01-01T00:00:00+08:00",
        "0001-01-01T00:00:00+08:00",
    ],
)
def test_a_wrong_camera_clock_keeps_the_pass_at_the_time_of_receipt(client, gate, bureau, claimed):
    before = datetime.now(UTC)
    answer = push(client, gate, claimed)
    assert answer.status_code == 201, answer.get_json()
    stored = client.get(f"/api/v1/events/{answer.get_json()['id']}", headers=bureau).get_json()
    assert stored["time_source"] == "receiver"
    assert stored["camera_time"][:4] == claimed[:4] or claimed.startswith("0001")
    moment = datetime.fromisoformat(stored["captured_at"])
    assert before - timedelta(seconds=1) <= moment <= datetime.now(UTC) + timedelta(seconds=1)
    assert stored["captured_at"] == stored["received_at"]


def test_a_pass_with_a_wrong_clock_is_judged_by_the_rules_in_force_now(client, gate, bureau, make_vehicle):
    make_vehicle(plate="晋H20001", emission_stage="5")
    now = datetime.now(UTC)
    alert = {"level": "orange", "starts_at": (now - DAY).isoformat(), "ends_at": (now + DAY).isoformat()}
    assert client.post("/api/v1/alerts", json=alert, headers=bureau).status_code == 201
    answer = push(client, gate, "2199-06-01T10:00:00+08:00")  # no alert then: judged as if true, it would pass
    assert answer.get_json()["decision"] == "deny"
    assert {f["rule"] for f in answer.get_json()["findings"]} == {"STAGGERED_TRANSPORT"}


def test_a_right_clock_is_kept(client, gate, bureau):
    claimed = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
    answer = push(client, gate, claimed.isoformat())
    stored = client.get(f"/api/v1/events/{answer.get_json()['id']}", headers=bureau).get_json()
    assert (stored["time_source"], stored["camera_time"]) == ("camera", None)
    assert datetime.fromisoformat(stored["captured_at"]) == claimed


def test_the_dashboard_shows_the_gate_whose_clock_is_wrong(client, gate, browser_for):
    push(client, gate, "2000-01-01T00:00:00+08:00")  # a clock reset to its factory date
    page, _ = browser_for(Role.BUREAU)
    html = page.get("/dashboard").get_data(as_text=True)
    assert "相机时钟错误" in html and "2000-01-01 00:00:00" in html
    push(client, gate, datetime.now(UTC).isoformat(), "e-2", "晋H30003")  # the clock was set: the warning goes
    assert db.session.scalar(select(PlateEvent.camera_time).order_by(PlateEvent.id.desc()).limit(1)) is None
    assert "相机时钟错误" not in page.get("/dashboard").get_data(as_text=True)
