"""Reporting upward: the outbox is written with the pass, its records carry the pass, verdict and ledger
row, and a higher platform keeps each record once. The relay against a real second instance that is
killed and restarted is tests/test_uplink_two_instances.py."""

import pytest
from sqlalchemy import select

from registry.accounts.models import Role
from registry.extensions import db
from registry.gates.services import create_gate
from registry.reports.models import ReportedRecord
from registry.reports.services import add_source
from registry.uplink.models import UplinkRecord, UplinkTarget
from registry.uplink.outbox import prune
from registry.uplink.records import build_records
from registry.uplink.relay import backoff
from registry.uplink.transports import batch_body


@pytest.fixture
def plant(make_firm, make_vehicle):
    firm = make_firm(name="华电忻州热电", industry="power", credit_code="91140900MA0K000001")
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    make_vehicle(plate="晋H40001", owner="忻州顺达物流有限公司", vin="LZZ1CLVB0HW000001", engine_no="WP10-0001")
    return {"firm": firm, "gate": gate, "headers": {"Authorization": f"Bearer {secret}"}}


def read(client, plant, event_id, confidence=0.9, plate="晋H40001", at="2026-11-20T10:00:00+08:00"):
    body = {"event_id": event_id, "plate": plate, "plate_color": "yellow", "direction": "in"}
    answer = client.post(
        f"/api/v1/gates/{plant['gate'].code}/events",
        json=body | {"captured_at": at, "confidence": confidence},
        headers=plant["headers"],
    )
    assert answer.status_code in (200, 201), answer.get_json()
    return answer.get_json()


def outbox() -> list[UplinkRecord]:
    return list(db.session.scalars(select(UplinkRecord).order_by(UplinkRecord.tx_id, UplinkRecord.id)))


def test_a_pass_goes_into_the_outbox_with_the_pass_and_a_better_read_again(client, plant):
    first = read(client, plant, "e-1", confidence=0.7)
    [record] = outbox()
    assert (record.kind, record.plate_event_id) == ("pass", first["id"])
    read(client, plant, "e-1")  # the same read resent: nothing changed, nothing more to report
    assert len(outbox()) == 1
    read(client, plant, "e-2", confidence=0.95)  # a better read of the same pass changes it
    assert [r.plate_event_id for r in outbox()] == [first["id"], first["id"]]
    read(client, plant, "e-3", confidence=0.5)  # a worse read changes nothing reported
    assert len(outbox()) == 2


def test_a_batch_that_fails_leaves_nothing_in_the_outbox(client, plant):
    answer = client.post(
        f"/api/v1/gates/{plant['gate'].code}/events",
        json={
            "event_id": "bad",
            "plate": "晋H40001",
            "direction": "sideways",
            "captured_at": "2026-11-20T10:00:00+08:00",
        },
        headers=plant["headers"],
    )
    assert answer.status_code == 422
    assert outbox() == []


def test_a_record_carries_the_pass_its_verdict_and_its_ledger_row(client, plant):
    stored = read(client, plant, "e-1")
    [record] = build_records("140902", outbox())
    assert record["key"] == f"140902:pass:{stored['id']}:{outbox()[0].id}"
    data = record["data"]
    assert data["plate"] == "晋H40001"
    assert data["firm"] == {"name": "华电忻州热电", "credit_code": "91140900MA0K000001"}
    assert data["gate"]["code"] == plant["gate"].code
    assert data["verdict"]["decision"] == stored["decision"]
    assert data["vehicle"]["vin"] == "LZZ1CLVB0HW000001"
    assert data["ledger"] == {
        "time": "20261120 100000",  # the guide's layout, local time
        "direction": "in",
        "plate": "晋H40001",
        "registration_date": None,
        "vin": "LZZ1CLVB0HW000001",
        "engine_no": "WP10-0001",
        "emission_stage": "6",
        "documents": False,
        "cargo": None,
        "tonnes": None,
        "fleet": "忻州顺达物流有限公司",
    }


def test_a_weighbridge_ticket_matched_to_a_pass_reports_its_ledger_row_again(client, plant, make_user):
    stored = read(client, plant, "e-1")
    _, token = make_user(Role.FIRM, firm_id=plant["firm"].id)
    ticket = {
        "ticket_no": "B1",
        "plate": "晋H40001",
        "weighed_at": "2026-11-20T10:20:00+08:00",
        "net_t": "34.2",
        "cargo": "煤",
    }
    answer = client.post(
        f"/api/v1/firms/{plant['firm'].id}/weigh-tickets",
        json={"tickets": [ticket]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.get_json()
    records = outbox()
    assert [r.plate_event_id for r in records] == [stored["id"], stored["id"]]
    ledger = build_records("140902", records[-1:])[0]["data"]["ledger"]
    assert (ledger["cargo"], ledger["tonnes"]) == ("煤", 34.2)


def test_a_cases_review_reports_the_pass_again_with_its_outcome(client, plant, bureau):
    stored = read(client, plant, "e-1", plate="晋K77777")  # unregistered: a case for review
    assert stored["findings"], stored
    answer = client.patch(f"/api/v1/cases/{stored['id']}", json={"status": "confirmed", "note": "核实"}, headers=bureau)
    assert answer.status_code == 200, answer.get_json()
    records = outbox()
    assert [r.plate_event_id for r in records] == [stored["id"], stored["id"]]
    case = build_records("140902", records[-1:])[0]["data"]["case"]
    assert case["status"] == "confirmed" and "UNREGISTERED_VEHICLE" in case["rules"] and case["reviewed_at"]


def post_batch(client, token, records, source="140902"):
    return client.post(
        "/api/v1/reports/batches",
        json=batch_body(source, records),
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_higher_platform_keeps_each_record_once_and_refuses_strangers(client, plant):
    read(client, plant, "e-1")
    read(client, plant, "e-2", at="2026-11-20T11:00:00+08:00")
    records = build_records("140902", outbox())
    _, token = add_source(None, "140902", "忻府区")
    db.session.commit()
    first = post_batch(client, token, records[:1])
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"accepted": 1, "duplicates": 0, "last_sequence": records[0]["sequence"]}
    # the answer was lost and the relay sends the batch again, with the next record
    again = post_batch(client, token, records)
    assert again.get_json() == {"accepted": 1, "duplicates": 1, "last_sequence": records[1]["sequence"]}
    kept = db.session.scalars(select(ReportedRecord).order_by(ReportedRecord.id)).all()
    assert [r.key for r in kept] == [r["key"] for r in records]
    assert kept[0].plate == "晋H40001" and kept[0].firm_credit_code == "91140900MA0K000001"

    assert post_batch(client, "wrong", records).status_code == 401
    assert post_batch(client, token, records, source="140999").status_code == 403
    bad = client.post(
        "/api/v1/reports/batches",
        json={"source": "140902", "format": 1, "records": [{"key": "x"}]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]["json"]["records"]["0"]) >= {"sequence", "kind", "data"}


def test_targets_are_managed_by_an_administrator_and_never_show_their_token(client, auth):
    admin = auth(Role.ADMIN)
    body = {"name": "市平台", "url": "https://city.example/api/v1/reports/batches", "token": "s3cret"}
    created = client.post("/api/v1/uplink/targets", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    assert "token" not in created.get_json()
    assert client.post("/api/v1/uplink/targets", json=body, headers=admin).status_code == 409
    assert (
        client.post("/api/v1/uplink/targets", json=body | {"name": "x"}, headers=auth(Role.BUREAU)).status_code == 403
    )
    assert (
        client.post("/api/v1/uplink/targets", json=body | {"name": "y", "url": "ftp://x"}, headers=admin).status_code
        == 422
    )
    [status] = client.get("/api/v1/uplink/targets", headers=auth(Role.BUREAU)).get_json()
    assert status["backlog"] == 0 and status["target"]["cursor"] == [0, 0] and "token" not in status["target"]
    target_id = created.get_json()["id"]
    changed = client.patch(f"/api/v1/uplink/targets/{target_id}", json={"enabled": False}, headers=admin)
    assert changed.get_json()["enabled"] is False


def test_the_outbox_is_pruned_only_behind_every_enabled_target(client, plant):
    read(client, plant, "e-1")
    read(client, plant, "e-2", at="2026-11-20T11:00:00+08:00")
    first, second = outbox()
    city = UplinkTarget(name="市", url="https://c", token="t", cursor_tx=first.tx_id, cursor_id=first.id)
    province = UplinkTarget(name="省", url="https://p", token="t", cursor_tx=second.tx_id, cursor_id=second.id)
    db.session.add_all([city, province])
    db.session.flush()
    assert prune(keep_before=first.created_at) == 1  # the city has taken only the first
    assert [r.id for r in outbox()] == [second.id]


def test_the_pause_after_failures_grows_to_its_cap():
    pauses = [backoff(n, 300).total_seconds() for n in (1, 2, 3, 8, 9, 30)]
    assert 1.6 <= pauses[0] <= 2.4 and 3.2 <= pauses[1] <= 4.8 and 6.4 <= pauses[2] <= 9.6
    assert 204 <= pauses[3] <= 300 and pauses[4:] == [300, 300]


def test_the_status_page_shows_targets_and_sources_in_chinese(browser_for):
    db.session.add(
        UplinkTarget(
            name="市生态环境局平台", url="https://city/api", token="t", failures=2, last_error="HTTP 503: busy"
        )
    )
    add_source(None, "140903", "原平市")
    db.session.commit()
    client, _ = browser_for(Role.BUREAU)
    page = client.get("/uplink").get_data(as_text=True)
    assert "市生态环境局平台" in page and "发送失败，重试中" in page and "HTTP 503" in page and "原平市" in page
