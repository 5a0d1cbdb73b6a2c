"""Weighbridge tickets (地磅磅单) through the API and by file import: matched to the plate's pass out of
the plant nearest in time within the window (exact, within the window, ambiguous, none), idempotent on
the ticket number, and filling the ledger's cargo (货物名称), tonnage (运输量) and fleet (车队名称)."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from registry.accounts.models import Role
from registry.extensions import db
from registry.gates.services import create_gate
from tests.support.machinery import post_file
from tests.support.workbooks import table


@pytest.fixture
def plant(client, make_firm, make_vehicle, make_user):
    """A power plant with a gate, a registered truck, and a firm user's headers."""
    firm = make_firm(name="华电忻州热电", industry="power")
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    make_vehicle(plate="晋H40001", owner="忻州顺达物流有限公司")
    _, token = make_user(Role.FIRM, firm_id=firm.id)
    return {"firm": firm, "gate": gate, "secret": secret, "headers": {"Authorization": f"Bearer {token}"}}


def pass_at(client, plant, event_id, at, direction="out", plate="晋H40001"):
    body = {"event_id": event_id, "plate": plate, "plate_color": "yellow", "direction": direction}
    answer = client.post(
        f"/api/v1/gates/{plant['gate'].code}/events",
        json=body | {"captured_at": at, "confidence": 0.9},
        headers={"Authorization": f"Bearer {plant['secret']}"},
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def ticket(number, at, **extra):
    return {"ticket_no": number, "plate": "晋H40001", "weighed_at": at, "gross_t": "49.30", "tare_t": "15.10",
            "cargo": "原煤"} | extra  # fmt: skip


def post(client, plant, *tickets):
    answer = client.post(
        f"/api/v1/firms/{plant['firm'].id}/weigh-tickets", json={"tickets": list(tickets)}, headers=plant["headers"]
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_ticket_fills_the_pass_out_nearest_in_time(client, plant):
    arrived = pass_at(client, plant, "in-1", "2026-11-20T10:00:00+08:00", "in")
    left = pass_at(client, plant, "out-1", "2026-11-20T10:40:00+08:00")
    [result] = post(client, plant, ticket("B20261120001", "2026-11-20T10:39:00+08:00"))
    assert result["outcome"] == "created"
    assert result["ticket"]["status"] == "matched" and result["ticket"]["pass_id"] == left  # not the way in
    assert result["ticket"]["net_t"] == "34.20" and result["ticket"]["status_label"] == "已匹配"
    assert arrived != left

    [again] = post(client, plant, ticket("B20261120002", "2026-11-20T10:45:00+08:00"))
    # the pass out is filled already and is not offered again; the way in is what is left
    assert again["ticket"]["status"] == "matched" and again["ticket"]["pass_id"] == arrived


def test_within_the_window_outside_it_and_a_pass_that_arrives_later(client, plant, runner):
    left = pass_at(client, plant, "out-1", "2026-11-20T10:00:00+08:00")
    [near] = post(client, plant, ticket("B1", "2026-11-20T11:30:00+08:00"))  # 90 min: within 120
    assert near["ticket"]["pass_id"] == left
    [far] = post(client, plant, ticket("B2", "2026-11-20T16:00:00+08:00"))
    assert far["ticket"]["status"] == "unmatched" and far["ticket"]["candidates"] == 0
    late = pass_at(client, plant, "out-2", "2026-11-20T16:05:00+08:00")  # the camera's backlog arrives
    result = runner.invoke(args=["weighbridge", "match"])
    assert result.exit_code == 0 and "matched: 1" in result.output
    listed = client.get(
        f"/api/v1/firms/{plant['firm'].id}/weigh-tickets?status=matched", headers=plant["headers"]
    ).get_json()
    assert {t["pass_id"] for t in listed["items"]} == {left, late}


def test_two_passes_about_as_near_are_left_for_a_person(client, plant):
    first = pass_at(client, plant, "out-1", "2026-11-20T10:20:00+08:00")
    second = pass_at(client, plant, "out-2", "2026-11-20T10:42:00+08:00")
    other = pass_at(client, plant, "out-3", "2026-11-20T18:00:00+08:00")
    [result] = post(client, plant, ticket("B3", "2026-11-20T10:30:00+08:00"))
    assert result["ticket"]["status"] == "ambiguous" and result["ticket"]["candidates"] == 2
    url = f"/api/v1/firms/{plant['firm'].id}/weigh-tickets/{result['ticket']['id']}"
    refused = client.patch(url, json={"pass_id": other}, headers=plant["headers"])
    assert refused.status_code == 422  # not one it may belong to
    chosen = client.patch(url, json={"pass_id": second}, headers=plant["headers"])
    assert chosen.status_code == 200 and chosen.get_json()["pass_id"] == second
    assert first != second


def test_the_same_ticket_twice_is_one_ticket(client, plant):
    pass_at(client, plant, "out-1", "2026-11-20T10:00:00+08:00")
    original = ticket("B4", "2026-11-20T10:01:00+08:00")
    [first] = post(client, plant, original)
    [again] = post(client, plant, original)
    assert (first["outcome"], again["outcome"]) == ("created", "unchanged")
    assert again["ticket"]["id"] == first["ticket"]["id"]
    [changed] = post(client, plant, original | {"net_t": "30.0", "gross_t": None, "tare_t": None})
    assert changed["outcome"] == "conflict" and changed["ticket"]["net_t"] == "34.20"  # the first stands
    results = post(
        client, plant, ticket("B5", "not a time"), ticket("B6", "2026-11-20T12:00:00+08:00", tare_t="60")
    ) + post(client, plant, ticket("B7", "2026-11-20T12:00:00+08:00"))
    assert [r["outcome"] for r in results] == ["invalid", "invalid", "created"]
    assert "weighed_at" in results[0]["errors"] and "tare_t" in results[1]["errors"]


def upload(client, plant, data: bytes, filename: str):
    return post_file(client, f"/api/v1/firms/{plant['firm'].id}/weigh-tickets/import", plant["headers"], data, filename)


def test_the_scale_softwares_export_is_imported_as_csv_or_xlsx(client, plant):
    pass_at(client, plant, "out-1", "2026-11-20T10:00:00+08:00")
    pass_at(client, plant, "out-2", "2026-11-21T09:00:00+08:00")
    rows = [["磅单号", "车牌号", "过磅时间", "毛重", "皮重", "净重", "货物名称"],
            ["C1", "晋H40001", "2026/11/20 10:02", "49.3", "15.1", "34.2", "原煤"]]  # Excel's time  # fmt: skip
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    answer = upload(client, plant, text.getvalue().encode("gb18030"), "磅单.csv")  # as Chinese Excel saves it
    assert answer.status_code == 200, answer.get_json()
    assert [r["outcome"] for r in answer.get_json()] == ["created"]
    assert answer.get_json()[0]["ticket"]["status"] == "matched"
    assert answer.get_json()[0]["ticket"]["weighed_at"].startswith("2026-11-20T02:02")  # China Standard Time

    book = Workbook()
    book.active.append(rows[0])
    from datetime import datetime

    book.active.append(["C2", "晋H40001", datetime(2026, 11, 21, 9, 5), 48, 15, 33, "石灰石"])
    data = io.BytesIO()
    book.save(data)
    answer = upload(client, plant, data.getvalue(), "磅单.xlsx")
    assert [r["outcome"] for r in answer.get_json()] == ["created"]
    assert answer.get_json()[0]["ticket"]["weighed_at"].startswith("2026-11-21T01:05")  # local time, in UTC

    no_header = upload(client, plant, b"a,b,c\n1,2,3\n", "x.csv")
    assert no_header.status_code == 422 and "磅单号" in no_header.get_json()["message"]
    assert upload(client, plant, b"PK\x03\x04 broken", "x.xlsx").status_code == 422


def test_the_ledger_shows_cargo_tonnage_and_fleet_and_what_is_left_unmatched(client, plant, bureau):
    left = pass_at(client, plant, "out-1", "2026-11-20T10:00:00+08:00")
    alone = pass_at(client, plant, "out-2", "2026-11-20T20:00:00+08:00")
    post(client, plant, ticket("D1", "2026-11-20T10:01:00+08:00"))
    firm_id = plant["firm"].id
    missing = client.get(
        f"/api/v1/firms/{firm_id}/passes-without-ticket?from=2026-11-20&to=2026-11-20", headers=plant["headers"]
    ).get_json()
    assert [p["id"] for p in missing["items"]] == [alone]
    with client.get(f"/api/v1/firms/{firm_id}/ledger.xlsx?from=2026-11-20&to=2026-11-20", headers=bureau) as sheet:
        rows = table(load_workbook(io.BytesIO(sheet.data)).active)
    header, by_pass = rows[0], {row[3].rsplit("/", 1)[-1]: row for row in rows[1:]}
    filled = dict(zip(header, by_pass[str(left)], strict=True))
    assert (filled["货物名称"], filled["运输量（吨）"], filled["车队名称"]) == ("原煤", 34.2, "忻州顺达物流有限公司")
    empty = dict(zip(header, by_pass[str(alone)], strict=True))
    assert empty["货物名称"] in ("", None) and empty["车队名称"] == "忻州顺达物流有限公司"


def test_another_firm_sees_none_of_it(client, plant, auth):
    other = auth(Role.FIRM)
    url = f"/api/v1/firms/{plant['firm'].id}/weigh-tickets"
    assert client.get(url, headers=other).status_code == 404
    assert (
        client.post(url, json={"tickets": [ticket("E1", "2026-11-20T10:00:00+08:00")]}, headers=other).status_code
        == 404
    )


def bomb(inflated_mb: int) -> bytes:
    """An XLSX that is a few dozen KB and inflates to `inflated_mb` MB of one sheet's XML."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
        archive.writestr(
            "xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + row * (inflated_mb * 2**20 // len(row))
        )
    return data.getvalue()


def test_a_workbook_that_inflates_far_is_refused_before_it_is_parsed(client, plant):
    """A zip bomb: the archive's directory says how far it inflates, and that is checked before openpyxl
    reads a byte of it; memory stays where it was."""
    import resource

    data = bomb(300)
    assert len(data) < 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    answer = upload(client, plant, data, "磅单.xlsx")
    assert answer.status_code == 422 and "XLSX 解压后 300 MB，超过 64 MB 上限" in answer.get_json()["message"]
    small_bomb = upload(client, plant, bomb(20), "磅单.xlsx")  # within the size, but no sheet inflates so
    assert small_bomb.status_code == 422 and "压缩炸弹" in small_bomb.get_json()["message"]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB: under 100 MB more


def test_a_workbook_over_the_inflated_limit_is_refused_and_a_plain_one_is_read():
    from registry.common.workbooks import WorkbookRefused, check_archive, workbook_rows

    book = Workbook()
    book.active.append(["磅单号", "车牌号"])
    book.active.append(["B1", "晋H40001"])
    data = io.BytesIO()
    book.save(data)
    assert list(workbook_rows(data.getvalue())) == [("磅单号", "车牌号"), ("B1", "晋H40001")]
    with pytest.raises(WorkbookRefused):
        check_archive(data.getvalue(), most=1024)  # a limit below what it inflates to
