"""The terminal at the gate (issue 32): a China VI truck whose terminal has an open urea alarm, or has
been silent for the policy's days, is a review with the reason; a truck whose terminal is well, or a
China V one, passes; a bureau's policy can make it a deny."""

from datetime import UTC, datetime, timedelta

import pytest

from registry.extensions import db
from registry.gates.services import create_gate
from registry.obd.store import Received, store
from tests.obd.test_store import VIN, data_frame

PASS_AT = datetime(2026, 12, 7, 1, 45, tzinfo=UTC)  # 09:45 local, a quarter of an hour after the data


@pytest.fixture
def gate(make_firm):
    firm = make_firm(name="华电热电", industry="steel")
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    return gate, {"Authorization": f"Bearer {secret}"}


def passes(client, gate, plate: str, at: datetime = PASS_AT, number: int = 1) -> dict:
    gate, headers = gate
    body = {"event_id": f"obd-{plate}-{number}", "plate": plate, "plate_color": "yellow", "direction": "in",
            "captured_at": at.isoformat(), "confidence": 0.95}  # fmt: skip
    answer = client.post(f"/api/v1/gates/{gate.code}/events", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def obd_findings(answer: dict) -> list[dict]:
    return [f for f in answer["findings"] if f["rule"] == "OBD_MONITORING"]


def test_an_open_urea_alarm_is_a_review_at_the_gate_and_a_full_tank_passes(client, gate, make_vehicle):
    make_vehicle(plate="晋H60006", vin=VIN, emission_stage="6")
    at = PASS_AT - timedelta(minutes=15)
    store([Received(data_frame(at, 1, urea=12), "peer", at)], at)  # 4.8 %: low
    answer = passes(client, gate, "晋H60006")
    assert answer["decision"] == "review"
    (finding,) = obd_findings(answer)
    assert "尿素液位低" in finding["message_zh"] and "urea level low" in finding["message_en"]
    store([Received(data_frame(at + timedelta(seconds=10), 12, urea=150), "peer", at)], at)  # refilled: 60 %
    assert obd_findings(passes(client, gate, "晋H60006", PASS_AT + timedelta(minutes=5), 2)) == []


def test_a_silent_terminal_is_a_review_and_a_china_v_truck_is_not_asked(client, gate, make_vehicle):
    make_vehicle(plate="晋H60006", vin=VIN, emission_stage="6")
    make_vehicle(plate="晋H50005", vin="LFV2A21K0E4123453", emission_stage="5")
    long_ago = PASS_AT - timedelta(days=5)
    store([Received(data_frame(long_ago, 1), "peer", long_ago)], long_ago)
    (finding,) = obd_findings(passes(client, gate, "晋H60006"))
    assert "天以上无数据" in finding["message_zh"] and finding["severity"] == "review"
    assert obd_findings(passes(client, gate, "晋H50005")) == []


def test_a_truck_no_terminal_was_heard_from_passes_unless_the_policy_requires_one(client, gate, make_vehicle, bureau):
    make_vehicle(plate="晋H60007", emission_stage="6", vin=None)
    assert obd_findings(passes(client, gate, "晋H60007")) == []
    policy = client.get("/api/v1/policies?rule=OBD_MONITORING", headers=bureau).get_json()["items"][0]
    revised = client.patch(
        f"/api/v1/policies/{policy['id']}",
        json={"params": policy["params"] | {"require_terminal": True, "severity": "deny"}, "note": "试点"},
        headers=bureau,
    )  # a new version, as the bureau revises any policy
    assert revised.status_code == 200, revised.get_json()
    answer = passes(client, gate, "晋H60007", PASS_AT + timedelta(minutes=10), 2)
    (finding,) = obd_findings(answer)
    assert answer["decision"] == "deny" and "未收到远程排放监控终端数据" in finding["message_zh"]


def test_the_dashboard_counts_china_vi_passes_by_their_terminal(client, gate, make_vehicle, browser_for, monkeypatch):
    from registry.accounts.models import Role
    from registry.dashboard import services as dashboard

    make_vehicle(plate="晋H60006", vin=VIN, emission_stage="6")
    make_vehicle(plate="晋H60007", emission_stage="6", vin=None)
    at = PASS_AT - timedelta(minutes=15)
    store([Received(data_frame(at, 1, urea=12), "peer", at)], at)  # low urea: in question at the gate
    passes(client, gate, "晋H60006")
    passes(client, gate, "晋H60007")
    store([Received(data_frame(at + timedelta(seconds=10), 12, urea=150), "peer", at)], at)  # refilled
    passes(client, gate, "晋H60006", PASS_AT + timedelta(minutes=5), 2)
    counts = dashboard.obd_today(PASS_AT + timedelta(hours=1))
    assert counts == {"well": 1, "questioned": 1, "none": 1, "total": 3}
    monkeypatch.setattr(dashboard, "utcnow", lambda: PASS_AT + timedelta(hours=1))
    officer, _ = browser_for(Role.BUREAU)
    page = officer.get("/dashboard").get_data(as_text=True)
    assert "终端正常 1" in page and "离线或报警 1" in page and "未接入 1" in page
