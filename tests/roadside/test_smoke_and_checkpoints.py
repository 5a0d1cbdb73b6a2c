"""Black-smoke captures count only once confirmed (issue 33, 2); a road checkpoint takes a camera's read
through the gate's pipeline and makes a police case of a transit China IV truck inside a zone's hours, not
of the same truck with a valid electronic pass, nor of a local China VI truck (issue 33, 4)."""

from datetime import UTC, date, datetime, timedelta

from registry.cases.models import Case
from registry.extensions import db

NIGHT = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)  # 22:30 local


def capture(client, station, plate, at, grade=3):
    station, headers = station
    body = {"captured_at": at.isoformat(), "lane": "1", "plate": plate, "plate_color": "黄", "grade": grade,
            "threshold": 1, "pictures": {"plate": "https://pics.example/p.jpg", "smoke": "https://pics.example/s.jpg"},
            "video_url": "https://pics.example/v.mp4"}  # fmt: skip
    answer = client.post(f"/api/v1/stations/{station.code}/captures", json=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()[0]


def test_a_capture_starts_pending_and_counts_only_once_confirmed(client, smoke_station, auth):
    police = auth("police")
    pending = capture(client, smoke_station, "冀C66666", datetime.now(UTC) - timedelta(hours=3))
    assert pending["status"] == "pending"
    assert client.get("/api/v1/emitters", headers=police).get_json()["items"] == []
    refused = client.post(
        f"/api/v1/smoke/captures/{pending['id']}/review", json={"decision": "dismissed"}, headers=police
    )
    assert refused.status_code == 422  # a dismissal says why
    done = client.post(f"/api/v1/smoke/captures/{pending['id']}/review", json={"decision": "confirmed"}, headers=police)
    assert done.status_code == 200 and done.get_json()["status"] == "confirmed"
    (listed,) = client.get("/api/v1/emitters", headers=police).get_json()["items"]
    assert listed["plate"] == "冀C66666" and listed["reasons"] == ["smoke"]
    again = client.post(f"/api/v1/smoke/captures/{pending['id']}/review", json={"decision": "dismissed", "note": "x"},
                        headers=police)  # fmt: skip
    assert again.status_code == 409


def test_a_dismissed_capture_never_counts(client, smoke_station, auth):
    police = auth("police")
    other = capture(client, smoke_station, "冀C77777", datetime.now(UTC) - timedelta(hours=2))
    body = {"decision": "dismissed", "note": "水蒸气，非黑烟"}
    assert client.post(f"/api/v1/smoke/captures/{other['id']}/review", json=body, headers=police).status_code == 200
    assert client.get("/api/v1/emitters", headers=police).get_json()["items"] == []


def read_at(client, checkpoint, plate, at, number):
    gate, headers = checkpoint
    body = {"event_id": f"kk-{number}", "plate": plate, "plate_color": "yellow", "direction": "in",
            "captured_at": at.isoformat(), "confidence": 0.95}  # fmt: skip
    answer = client.post(f"/api/v1/gates/{gate.code}/events", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_a_transit_china_iv_truck_in_the_zone_hours_is_a_police_case_unless_it_holds_a_pass(
    client, checkpoint, night_zone, make_vehicle, auth
):
    make_vehicle(plate="冀A40004", emission_stage="4")
    make_vehicle(plate="晋H60006", emission_stage="6")
    gate, _ = checkpoint
    assert [g.code for g in night_zone.checkpoints] == [gate.code]  # inside the polygon: enforces it
    case = read_at(client, checkpoint, "冀A40004", NIGHT, 1)
    assert case["decision"] == "deny", case
    (finding,) = case["findings"]
    assert finding["rule"] == "RESTRICTION_ZONE" and finding["clause"] == "过境重型柴油货车绕行通告 第二条"
    stored = db.session.scalar(db.select(Case).where(Case.plate == "冀A40004"))
    assert stored is not None and stored.firm_id is None and stored.gate_id == gate.id
    assert read_at(client, checkpoint, "晋H60006", NIGHT, 2)["decision"] == "pass"  # local China VI
    assert read_at(client, checkpoint, "冀A40004", NIGHT - timedelta(hours=10), 3)["decision"] == "pass"  # daytime

    police = auth("police")
    permit = {"plate": "冀A40004", "zone_id": night_zone.id, "route": "建设路—化工园区", "reason": "危化品配送",
              "valid_from": "2026-12-01", "valid_to": "2026-12-31",
              "hours_from": "20:00", "hours_to": "06:00"}  # fmt: skip
    issued = client.post("/api/v1/zones/permits", json=permit, headers=police)
    assert issued.status_code == 201, issued.get_json()
    covered = read_at(client, checkpoint, "冀A40004", NIGHT + timedelta(days=1), 4)
    assert covered["decision"] == "pass" and covered["findings"][0]["note"] == "PERMITTED"
    number = issued.get_json()["id"]
    revoked = client.post(f"/api/v1/zones/permits/{number}/revoke", json={"reason": "配送结束"}, headers=police)
    assert revoked.status_code == 200
    assert read_at(client, checkpoint, "冀A40004", NIGHT + timedelta(days=2), 5)["decision"] == "deny"


def test_a_checkpoint_asks_about_an_unknown_transit_truck_and_leaves_firms_out(client, checkpoint, night_zone):
    unknown = read_at(client, checkpoint, "豫A12345", NIGHT, 6)
    assert unknown["decision"] == "review"  # stage unknown: a person checks it; never UNREGISTERED_VEHICLE
    assert [f["rule"] for f in unknown["findings"]] == ["RESTRICTION_ZONE"]
    assert date(2026, 12, 1) >= night_zone.effective_from
