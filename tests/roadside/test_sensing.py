"""Remote-sensing results (issue 33, 1 and 3): a station's CSV (GB 18030 and UTF-8, XLSX) and its JSON push,
judged against the versioned REMOTE_SENSING policy; a truck becomes a suspected high emitter after its
second exceedance within the window, not after one, and gets its finding at a gate."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook

from registry.common.errors import DomainError
from registry.extensions import db
from registry.gates.services import create_gate
from registry.sensing.models import SensingMapping, SensingResult
from registry.sensing.services import import_results

CSV = (
    "检测时间,车道,车牌号码,车牌颜色,燃料类型,车速,加速度,风速,温度,湿度,气压,不透光度,NO,CO2,林格曼黑度,有效性\n"
    "2026/12/1 09:30:05,1,冀A12345,黄,柴油,42.5,0.3,1.2,3.5,40,92.1,35.2,820,8.1,1,有效\n"
    "2026/12/1 09:31:10,2,晋H20001,黄,柴油,38.0,0.1,1.0,3.5,40,92.1,8.0,300,7.9,0,有效\n"
    "2026/12/1 09:32:00,1,晋H20002,黄,柴油,40.0,0.1,6.5,3.5,40,92.1,55.0,300,7.9,2,有效\n"
    "2026/12/1 09:33:00,1,晋H20003,黄,柴油,快,0.1,1.0,3.5,40,92.1,8.0,300,7.9,0,有效\n"
)


def imported(station, text: str, encoding: str = "utf-8", mapping=None):
    report = import_results(station, text.encode(encoding), "遥感数据.csv", mapping)
    db.session.commit()
    return report


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_station_csv_is_imported_in_either_encoding_each_result_judged_and_bad_lines_named(sensing_station, encoding):
    station, _ = sensing_station
    report = imported(station, CSV, encoding)
    assert (report.created, report.over, report.invalid) == (3, 1, 1)
    assert report.errors and report.errors[0][0] == 5 and "speed_kmh" in report.errors[0][1]
    over = db.session.scalar(db.select(SensingResult).where(SensingResult.plate == "冀A12345"))
    assert over.valid and over.exceeded == ["opacity"] and over.judged["opacity"] == [35.2, 30.0]
    assert over.fuel == "diesel" and over.plate_color == "yellow" and over.policy_id == 20
    windy = db.session.scalar(db.select(SensingResult).where(SensingResult.plate == "晋H20002"))
    assert not windy.valid and windy.reasons == ["wind_high"] and windy.exceeded == []
    again = imported(station, CSV, encoding)  # the same file again keeps nothing twice
    assert (again.created, again.duplicates) == (0, 3)


def test_a_vendor_mapping_kept_as_data_reads_its_own_headers_and_time_format(sensing_station):
    station, _ = sensing_station
    mapping = SensingMapping(name="某厂商 v2", vendor="某厂商",
                             columns={"measured_at": "TestTime", "plate": "PlateNo", "opacity": "K(%)"},
                             time_format="%d.%m.%Y %H:%M")  # fmt: skip
    db.session.add(mapping)
    report = imported(station, "TestTime,PlateNo,K(%)\n01.12.2026 10:00,冀B54321,31\n", mapping=mapping)
    assert report.created == 1 and report.over == 1
    row = db.session.scalar(db.select(SensingResult).where(SensingResult.plate == "冀B54321"))
    assert row.measured_at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    with pytest.raises(DomainError, match="检测时间"):
        import_results(station, "PlateNo\n冀B54321\n".encode(), "x.csv", mapping)


def test_a_workbook_is_imported_too(sensing_station):
    station, _ = sensing_station
    book = Workbook()
    sheet = book.active
    sheet.append(["检测时间", "车牌号码", "不透光度", "有效性"])
    sheet.append([datetime(2026, 12, 1, 9, 30), "冀A77777", 12.0, "有效"])
    data = io.BytesIO()
    book.save(data)
    report = import_results(station, data.getvalue(), "遥感.xlsx", None)
    assert report.created == 1 and not report.errors


def push(client, station, body):
    station, headers = station
    return client.post(f"/api/v1/stations/{station.code}/results", json=body, headers=headers)


def result(plate, at, opacity, lane="1"):
    return {"measured_at": at.isoformat(), "lane": lane, "plate": plate, "plate_color": "yellow", "fuel": "diesel",
            "speed_kmh": 40, "wind_speed": 1.0, "opacity": opacity, "station_valid": True}  # fmt: skip


def test_a_push_is_judged_and_a_wrong_secret_is_refused(client, sensing_station):
    at = datetime.now(UTC) - timedelta(hours=1)
    answer = push(client, sensing_station, result("冀A12345", at, 40.0))
    assert answer.status_code == 200, answer.get_json()
    (row,) = answer.get_json()
    assert row["valid"] and row["exceeded"] == ["opacity"] and row["created"]
    again = push(client, sensing_station, {"results": [result("冀A12345", at, 40.0)]}).get_json()
    assert again[0]["id"] == row["id"] and not again[0]["created"]
    station, _ = sensing_station
    refused = client.post(f"/api/v1/stations/{station.code}/results", json=result("冀A12345", at, 1),
                          headers={"Authorization": "Bearer wrong"})  # fmt: skip
    assert refused.status_code == 401
    bad = push(client, sensing_station, {"measured_at": "yesterday", "plate": "冀A12345"})
    assert bad.status_code == 422 and "measured_at" in str(bad.get_json())


def test_the_limit_is_the_policy_version_in_force(client, sensing_station, bureau):
    at = datetime.now(UTC) - timedelta(hours=2)
    assert push(client, sensing_station, result("冀A11111", at, 25.0)).get_json()[0]["exceeded"] == []
    policy = client.get("/api/v1/policies?rule=REMOTE_SENSING", headers=bureau).get_json()["items"][0]
    params = policy["params"] | {"limits": {"diesel": {"opacity": 20.0, "ringelmann": 1}}}
    revised = client.patch(f"/api/v1/policies/{policy['id']}", json={"params": params, "note": "收紧"}, headers=bureau)
    assert revised.status_code == 200, revised.get_json()
    later = push(client, sensing_station, result("冀A11111", at + timedelta(minutes=5), 25.0)).get_json()[0]
    assert later["exceeded"] == ["opacity"] and later["policy_id"] == revised.get_json()["id"]
    first = db.session.scalar(
        db.select(SensingResult).where(SensingResult.plate == "冀A11111").order_by(SensingResult.id)
    )
    assert first.policy_id == policy["id"] and first.exceeded == []  # kept as judged then


def test_a_second_exceedance_within_six_months_lists_the_truck_and_its_gate_finds_it(
    client, sensing_station, make_firm, make_vehicle, auth, make_user
):
    firm = make_firm(name="晋北物流")
    make_vehicle(plate="晋H30003", emission_stage="5", firm_id=firm.id)
    gate, secret = create_gate(None, firm, "北门")
    db.session.commit()
    now = datetime.now(UTC)
    push(client, sensing_station, result("晋H30003", now - timedelta(days=100), 33.0))
    readers = auth("police")
    assert client.get("/api/v1/emitters", headers=readers).get_json()["items"] == []  # one is not enough
    push(client, sensing_station, result("晋H30003", now - timedelta(days=2), 36.0, lane="2"))
    (listed,) = client.get("/api/v1/emitters", headers=readers).get_json()["items"]
    assert listed["plate"] == "晋H30003" and listed["reasons"] == ["repeat:opacity"] and len(listed["evidence"]) == 2
    body = {"event_id": "he-1", "plate": "晋H30003", "plate_color": "yellow", "direction": "in",
            "captured_at": now.isoformat(), "confidence": 0.95}  # fmt: skip
    answer = client.post(f"/api/v1/gates/{gate.code}/events", json=body, headers={"Authorization": f"Bearer {secret}"})
    verdict = answer.get_json()
    assert verdict["decision"] == "review", verdict
    assert [f["rule"] for f in verdict["findings"]] == ["HIGH_EMITTER"]
    other = auth("firm")  # another firm's user sees none of it; the truck's firm is told
    assert client.get("/api/v1/emitters", headers=other).get_json()["items"] == []
    _, token = make_user("firm", firm_id=firm.id)
    mine = client.get("/api/v1/emitters", headers={"Authorization": f"Bearer {token}"}).get_json()["items"]
    assert [m["plate"] for m in mine] == ["晋H30003"]


def test_a_push_in_a_vendors_own_names_is_read_by_its_stations_mapping(client, sensing_station):
    station, _ = sensing_station
    mapping = SensingMapping(name="某厂商推送", vendor="某厂商",
                             columns={"measured_at": ["jcsj"], "plate": ["hphm"], "opacity": ["btgd"],
                                      "ignored": ["pd", "jd"]})  # fmt: skip
    db.session.add(mapping)
    db.session.flush()
    station.mapping_id = mapping.id
    db.session.commit()
    body = {"jcsj": "2026-12-01 09:30:05", "hphm": "冀A12345", "btgd": "33.1", "pd": 2.5, "jd": 112.7,
            "有效性": "有效", "车道": "2"}  # fmt: skip
    answer = push(client, sensing_station, body)
    assert answer.status_code == 200, answer.get_json()
    (row,) = answer.get_json()
    assert row["exceeded"] == ["opacity"] and row["measured_at"].startswith("2026-12-01T01:30:05")
    assert row["lane"] == "2" and row["plate"] == "冀A12345"
    unknown = push(client, sensing_station, body | {"jcsj": "2026-12-01 09:31:00", "qx": "晴"})
    assert unknown.status_code == 422 and "qx" in str(unknown.get_json())  # a key nobody mapped is named
