"""GET/PATCH /api/v1/violations: every filter, pagination totals, review with audit, evidence links,
exports parsed back, the firm's gate ledger, and what a firm user may see."""

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.common.time import LOCAL_TZ
from registry.extensions import db
from registry.labels import LABELS
from tests.support.workbooks import csv_table, table

ALL = {"per_page": 500}


def search(client, headers, **params):
    answer = client.get("/api/v1/violations", query_string=ALL | params, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def local_day(item) -> str:
    return datetime.fromisoformat(item["captured_at"]).astimezone(LOCAL_TZ).date().isoformat()


def test_there_is_something_to_search(client, bureau, district):
    everything = search(client, bureau)
    assert everything["total"] >= 5
    assert {v["severity"] for v in everything["items"]} == {"deny", "review"}
    assert len({v["gate"] for v in everything["items"]}) == 3


FILTERS = [
    ("plate", "晋h5OOO1", lambda v: v["plate"] == "晋H50001"),  # normalised like a read
    ("plate_prefix", "晋H", lambda v: v["plate"].startswith("晋H")),
    ("rule", "UNREGISTERED_VEHICLE", lambda v: v["rule"] == "UNREGISTERED_VEHICLE"),
    ("severity", "review", lambda v: v["severity"] == "review"),
    ("status", "open", lambda v: v["status"] == "open"),
    ("alert_level", "orange", lambda v: v["alert"] and v["alert"]["level"] == "orange"),
    ("from", "2022-03-02", lambda v: local_day(v) >= "2022-03-02"),
    ("to", "2022-03-01", lambda v: local_day(v) <= "2022-03-01"),
]


@pytest.mark.parametrize(("name", "value", "keep"), FILTERS, ids=[f[0] for f in FILTERS])
def test_every_filter_finds_exactly_the_matching_violations(client, bureau, district, name, value, keep):
    everything = search(client, bureau)["items"]
    expected = sorted(v["id"] for v in everything if keep(v))
    assert expected, "the fixture must give this filter something to find"
    assert len(expected) < len(everything) or name in ("plate_prefix", "status")
    found = search(client, bureau, **{name: value})
    assert sorted(v["id"] for v in found["items"]) == expected and found["total"] == len(expected)


def test_firm_and_gate_filters(client, bureau, district):
    east, _, north = district["gates"]
    everything = search(client, bureau)["items"]
    by_firm = search(client, bureau, firm_id=district["coking"].id)
    assert {v["gate"] for v in by_firm["items"]} == {north.code}
    assert by_firm["total"] == sum(1 for v in everything if v["firm_id"] == district["coking"].id)
    by_gate = search(client, bureau, gate=east.code)
    assert by_gate["total"] == sum(1 for v in everything if v["gate"] == east.code) > 0


def test_pagination_totals_and_sorting(client, bureau, district):
    everything = search(client, bureau, sort="captured_at")["items"]
    seen = []
    for page in range(1, 10):
        answer = client.get(
            "/api/v1/violations", query_string={"per_page": 2, "page": page, "sort": "captured_at"}, headers=bureau
        ).get_json()
        assert answer["total"] == len(everything) and answer["per_page"] == 2
        seen.extend(v["id"] for v in answer["items"])
        if not answer["items"]:
            break
    assert seen == [v["id"] for v in everything]
    moments = [v["captured_at"] for v in everything]
    assert moments == sorted(moments)
    newest_first = [v["captured_at"] for v in search(client, bureau)["items"]]
    assert newest_first == sorted(newest_first, reverse=True)
    assert client.get("/api/v1/violations?sort=colour", headers=bureau).status_code == 422


def test_a_violation_links_its_evidence_as_it_was(client, bureau, district):
    violations = search(client, bureau, plate="晋H50001", to="2022-03-01")["items"]
    assert len({v["pass_id"] for v in violations}) == 1  # one pass, one violation per rule it broke
    violation = violations[0]
    assert violation["pass_url"] == f"/api/v1/events/{violation['pass_id']}"
    assert client.get(violation["pass_url"], headers=bureau).status_code == 200
    [image] = violation["images"]
    with client.get(image["url"], headers=bureau) as picture:
        assert picture.status_code == 200 and picture.data[:3] == b"\xff\xd8\xff"
    assert (
        violation["vehicle"]["plate"] == "晋H50001" if "plate" in violation["vehicle"] else violation["vehicle"]["id"]
    )
    assert violation["firm"]["name"] == "华电热电" and violation["policy_ids"]
    assert violation["message_zh"] and violation["clause"]
    assert all(client.get(url, headers=bureau).status_code == 200 for url in violation["policies"])
    during_alert = search(client, bureau, alert_level="orange")["items"][0]
    assert during_alert["alert"]["level"] == "orange"


def test_review_is_once_audited_and_police_may_do_it(client, bureau, auth, district):
    first, second = search(client, bureau)["items"][:2]
    police = auth("police")
    confirmed = client.patch(
        f"/api/v1/violations/{first['id']}", json={"status": "confirmed", "note": "现场核实"}, headers=police
    )
    assert confirmed.status_code == 200
    body = confirmed.get_json()
    assert (body["status"], body["note"]) == ("confirmed", "现场核实") and body["reviewed_by"] and body["reviewed_at"]
    again = client.patch(f"/api/v1/violations/{first['id']}", json={"status": "dismissed"}, headers=bureau)
    assert again.status_code == 409
    assert (
        client.patch(f"/api/v1/violations/{second['id']}", json={"status": "open"}, headers=bureau).status_code == 409
    )
    assert (
        client.patch(f"/api/v1/violations/{second['id']}", json={"status": "maybe"}, headers=bureau).status_code == 422
    )
    dismissed = client.patch(
        f"/api/v1/violations/{second['id']}", json={"status": "dismissed", "note": "误识别"}, headers=bureau
    )
    assert dismissed.get_json()["status"] == "dismissed"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "violation", AuditEntry.entity_id == first["id"])
    )
    assert entry.action == "review" and entry.before == {"status": "open", "note": None}
    assert entry.after == {"status": "confirmed", "note": "现场核实", "case": first["pass_id"]}
    assert entry.actor_label.startswith("police")
    case_entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "case", AuditEntry.entity_id == first["pass_id"])
    )
    # the case's audit names each finding's outcome (issue 30: a review decides findings, not whole cases)
    assert case_entry.after["findings"] == {str(first["id"]): ["confirmed", "现场核实"]}
    assert search(client, bureau, status="confirmed")["total"] == 1


def test_a_firm_sees_only_its_own_violations_passes_and_pictures(client, bureau, district):
    firm = district["firm_headers"]
    mine = search(client, firm)
    assert mine["total"] > 0 and {v["firm_id"] for v in mine["items"]} == {district["power"].id}
    theirs = search(client, bureau, firm_id=district["coking"].id)["items"][0]
    assert client.get(f"/api/v1/violations/{theirs['id']}", headers=firm).status_code == 404
    assert client.get(theirs["pass_url"], headers=firm).status_code == 404
    assert search(client, firm, firm_id=district["coking"].id)["total"] == 0
    events = client.get("/api/v1/events", query_string=ALL, headers=firm).get_json()
    assert {e["firm_id"] for e in events["items"]} == {district["power"].id}
    assert (
        client.patch(f"/api/v1/violations/{theirs['id']}", json={"status": "confirmed"}, headers=firm).status_code
        == 403
    )


def as_text(cell) -> str:
    """An XLSX cell as the CSV writes it (date cells in the column's layout)."""
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    return "" if cell is None else str(cell)


def test_exports_parse_back_to_the_search_result(client, bureau, district):
    expected = search(client, bureau, plate_prefix="晋H", sort="captured_at")["items"]
    as_csv = client.get("/api/v1/violations.csv?plate_prefix=晋H&sort=captured_at", headers=bureau)
    assert as_csv.status_code == 200 and "attachment" in as_csv.headers["Content-Disposition"]
    rows = csv_table(as_csv.data)
    assert rows[0][:5] == ["编号", "状态", "规则", "严重程度", "号牌号码"]
    assert [int(r[0]) for r in rows[1:]] == [v["id"] for v in expected]
    assert [r[4] for r in rows[1:]] == [v["plate"] for v in expected]
    as_xlsx = client.get("/api/v1/violations.xlsx?plate_prefix=晋H&sort=captured_at", headers=bureau)
    sheet = load_workbook(io.BytesIO(as_xlsx.data), read_only=True)["违规判定明细"]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(n for n, row in enumerate(table) if row and row[0] == "编号")  # below the export's title lines
    assert table[header] == rows[0]
    assert [[as_text(c) for c in row] for row in table[header + 1 :]] == rows[1:]


def test_the_xlsx_export_has_date_cells_labels_and_the_reviewer(client, bureau, auth, district):
    """What an officer opens in Excel: words not codes, real date-times, who reviewed and when, a frozen
    header row and columns wide enough to read; English with ?lang=en."""
    first = search(client, bureau, plate_prefix="晋H", sort="captured_at")["items"][0]
    police = auth("police")
    reviewed = client.patch(
        f"/api/v1/violations/{first['id']}", json={"status": "confirmed", "note": "属实"}, headers=police
    )
    assert reviewed.status_code == 200
    answer = client.get("/api/v1/violations.xlsx?plate_prefix=晋H&sort=captured_at", headers=bureau)
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["违规记录（按过车）", "违规判定明细"]
    by_pass, sheet = book["违规记录（按过车）"], book["违规判定明细"]
    # one row a pass, its findings and their review together (issue 30: 882 rows for about 500 passes)
    passes = {v["pass_id"] for v in search(client, bureau, plate_prefix="晋H", per_page=200)["items"]}
    pass_header = [c.value for c in by_pass[6]]
    pass_rows = [[c.value for c in r] for r in by_pass.iter_rows(min_row=7)]
    assert pass_header[0] == "过车编号" and {r[0] for r in pass_rows} == passes and len(pass_rows) == len(passes)
    mine = next(r for r in pass_rows if r[0] == first["pass_id"])
    assert "（已确认：属实）" in mine[pass_header.index("违规判定及处理")]
    # a title, the days, the search and who exported it when: a filed copy says what it holds (issue 30)
    assert [sheet.cell(n, 1).value.split("：")[0] for n in range(1, 5)] == [
        "违规记录",
        "过车日期",
        "筛选条件",
        "导出时间",
    ]
    assert sheet.cell(3, 1).value == "筛选条件：号牌前缀：晋H" and "导出人：" in sheet.cell(4, 1).value
    top = 6  # the header row, below the four lines and a blank one
    header = [c.value for c in sheet[top]]
    assert (
        sheet.title == "违规判定明细" and sheet.freeze_panes == f"A{top + 1}" and all(c.font.bold for c in sheet[top])
    )
    assert all(sheet.column_dimensions[letter].width >= 7 for letter in "ABCDEFGHIJKLMNOP")
    column = {title: header.index(title) for title in header}
    row = [c for c in sheet[top + 1]]
    time = row[column["过车时间"]]
    assert time.is_date and time.number_format == "yyyy-mm-dd hh:mm:ss"
    assert time.value.strftime("%Y-%m-%dT%H:%M") == datetime.fromisoformat(first["captured_at"]).astimezone(
        LOCAL_TZ
    ).strftime("%Y-%m-%dT%H:%M")
    assert row[column["状态"]].value == "已确认" and row[column["复核备注"]].value == "属实"
    assert row[column["复核人"]].value == reviewed.get_json()["reviewed_by"]
    assert row[column["复核时间"]].is_date
    codes = {"open", "confirmed", "deny", "review", "in", "out", "yellow", "blue", "FREIGHT_STAGE", "PHASE_OUT"}
    values = {c.value for r in sheet.iter_rows(min_row=top + 1) for c in r}
    assert not values & codes
    rules = {r[column["规则"]].value for r in sheet.iter_rows(min_row=top + 1)}
    assert rules and rules <= {label for label, _ in LABELS["rule"].values()}
    english = load_workbook(io.BytesIO(client.get("/api/v1/violations.xlsx?lang=en", headers=bureau).data))[
        "each finding"
    ]
    assert english.cell(1, 1).value == "Violations" and [c.value for c in english[6]][:3] == ["id", "status", "rule"]
    assert {c.value for c in english["B"][6:]} <= {"open", "confirmed", "dismissed"}


def test_the_gate_ledger_in_the_mee_layout(client, bureau, district):
    power = district["power"]
    answer = client.get(f"/api/v1/firms/{power.id}/ledger.csv?from=2022-03-01&to=2022-03-02", headers=bureau)
    assert answer.status_code == 200
    rows = csv_table(answer.data)
    assert [h.split(" (")[0] for h in rows[0][:9]] == [
        "序号",
        "进出厂时间",
        "进出厂方向",
        "车辆照片",
        "车牌号码",
        "注册登记日期",
        "车辆识别代号（VIN）",
        "发动机号码",
        "排放阶段",
    ]
    assert [(r[1], r[4], r[8]) for r in rows[1:]] == [
        ("20220301 100000", "晋H50001", "国五"),
        ("20220301 233000", "晋H40001", "国四"),
    ]
    as_xlsx = client.get(
        f"/api/v1/firms/{power.id}/ledger.xlsx?from=2022-03-01&to=2022-03-03", headers=district["firm_headers"]
    )
    rows = table(load_workbook(io.BytesIO(as_xlsx.data), read_only=True).active)
    assert len(rows) == 1 + 4
    other = client.get(
        f"/api/v1/firms/{district['coking'].id}/ledger.csv?from=2022-03-01&to=2022-03-02",
        headers=district["firm_headers"],
    )
    assert other.status_code == 404
    assert client.get(f"/api/v1/firms/{power.id}/ledger.csv", headers=bureau).status_code == 422


def test_with_two_alerts_in_force_each_violation_names_its_own(client, bureau, make_firm, make_vehicle):
    """An orange alert for 城区, then a red one for the whole district: a China IV truck's pass breaks
    staggered transport under both, and each violation is found under its own level."""
    from registry.gates.services import create_gate

    firm = make_firm(name="恒盛水泥", industry="cement", region="城区")
    gate, secret = create_gate(None, firm, "南门")
    db.session.commit()
    make_vehicle(plate="晋H30001", emission_stage="4")
    ids = {}
    for level, region, start in (
        ("orange", "城区", "2022-11-01T00:00:00+08:00"),
        ("red", None, "2022-11-02T00:00:00+08:00"),
    ):
        body = {"level": level, "region": region, "starts_at": start, "ends_at": "2022-11-05T00:00:00+08:00"}
        answer = client.post("/api/v1/alerts", json=body, headers=bureau)
        assert answer.status_code == 201, answer.get_json()
        ids[level] = answer.get_json()["id"]
    event = {"event_id": "both-1", "plate": "晋H30001", "plate_color": "yellow", "direction": "in"}
    answer = client.post(
        f"/api/v1/gates/{gate.code}/events",
        json=event | {"captured_at": "2022-11-03T10:00:00+08:00"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    findings = [f for f in answer.get_json()["findings"] if f["rule"] == "STAGGERED_TRANSPORT"]
    assert sorted(f["alert_id"] for f in findings) == sorted(ids.values())
    everything = search(client, bureau, plate="晋H30001")["items"]
    assert sorted(v["alert"]["level"] for v in everything) == ["orange", "red"]
    for level, alert_id in ids.items():
        [found] = search(client, bureau, plate="晋H30001", alert_level=level)["items"]
        assert found["alert"]["id"] == alert_id and found["rule"] == "STAGGERED_TRANSPORT"
        assert ("红色" if level == "red" else "橙色") in found["message_zh"]
        assert sorted(found["alerts_in_force"]) == sorted(ids.values())
    with client.get("/api/v1/violations.csv?plate=晋H30001&alert_level=red", headers=bureau) as exported:
        table = csv_table(exported.data)
    rows = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert [row["预警级别"] for row in rows] == ["红色预警"]


def test_the_api_keeps_codes_and_adds_the_readers_words(client, bureau, district):
    item = search(client, bureau, plate_prefix="晋H")["items"][0]
    assert item["status"] == "open" and item["status_label"] == "待处理"
    assert item["rule_label"] and item["rule_label"] != item["rule"]
    assert item["decision_label"] in {"禁止通行", "待人工复核"}
    english = client.get(f"/api/v1/violations/{item['id']}?lang=en", headers=bureau).get_json()
    assert english["status_label"] == "open" and english["rule"] == item["rule"]
