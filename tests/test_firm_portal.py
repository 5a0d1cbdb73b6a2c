"""A firm's portal (issue 30, item 2): after login a firm's clerk lands on the firm's own page with every
duty one link away; imports weighbridge tickets and sees each bad line named; chooses the pass of an
ambiguous ticket (and moves a matched one only with a reason); reads and downloads its ledger by period
and checks a workbook against the seals; keeps its in-plant vehicles (table 4). Another firm's pages
are not found."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.accounts.models import Role
from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.services import create_gate
from registry.inplant.models import PlantVehicle
from registry.ledger.sealing import seal_all
from registry.weighbridge.models import MatchStatus, WeighTicket
from tests.support.pages import post
from tests.support.workbooks import table

PLATE = "晋H40001"


@pytest.fixture
def portal(client, browser_for, make_vehicle):
    """A firm's clerk logged in, the firm's gate, a registered truck and four passes out on 2026-11-20."""
    clerk, user = browser_for(Role.FIRM)
    firm = db.session.get(Firm, user.firm_id)
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    make_vehicle(plate=PLATE, owner="忻州顺达物流")
    for number, at in enumerate(("08:00", "10:30", "10:50", "15:00")):
        body = {"event_id": f"p-{number}", "plate": PLATE, "plate_color": "yellow", "direction": "out",
                "captured_at": f"2026-11-20T{at}:00+08:00", "confidence": 0.9}  # fmt: skip
        answer = client.post(
            f"/api/v1/gates/{gate.code}/events", json=body, headers={"Authorization": f"Bearer {secret}"}
        )
        assert answer.status_code == 201, answer.get_json()
    return {"clerk": clerk, "firm": firm, "gate": gate}


def upload(clerk, url, name, data: bytes, **form):
    return post(clerk, url, {"file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data")


def test_the_clerk_lands_on_the_firms_page_and_another_firm_is_not_found(portal, make_firm):
    clerk, firm = portal["clerk"], portal["firm"]
    assert clerk.get("/firms").location.endswith(f"/firms/{firm.id}")
    page = clerk.get(f"/firms/{firm.id}").get_data(as_text=True)
    for duty in ("门禁电子台账", "地磅单", "厂内车辆与机械", "违规记录", "案件", "司机登记二维码", "暂无抽查核验"):
        assert duty in page, duty
    assert "修改企业信息" not in page and "添加门禁" not in page
    other = make_firm(name="别家企业")
    for path in (f"/firms/{other.id}", f"/firms/{other.id}/ledger", f"/firms/{other.id}/weigh-tickets",
                 f"/firms/{other.id}/plant"):  # fmt: skip
        assert clerk.get(path).status_code == 404, path
    assert clerk.get("/vehicles").status_code == 403 and clerk.get("/gates").status_code == 403


def test_tickets_are_imported_with_bad_lines_named_and_an_ambiguous_one_is_chosen(portal):
    clerk, firm = portal["clerk"], portal["firm"]
    url = f"/firms/{firm.id}/weigh-tickets"
    csv = ("磅单号,车牌号,过磅时间,毛重,皮重,货物名称\n"
           f"B1,{PLATE},2026-11-20 09:00,49.3,15.1,原煤\n"
           "B2,不是车牌,2026-11-20 09:00,49.3,15.1,原煤\n"
           f"B3,{PLATE},2026-11-20 10:40,48.0,15.0,焦炭\n")  # fmt: skip
    imported = upload(clerk, f"{url}/import", "磅单.csv", csv.encode("gb18030"))
    page = imported.get_data(as_text=True)
    assert imported.status_code == 200 and "新增 2" in page and "有误 1" in page
    assert "第 3 行" in page and "车牌号" in page and "第 2 行" not in page
    ambiguous = db.session.scalar(select(WeighTicket).where(WeighTicket.ticket_no == "B3"))
    assert ambiguous.status == MatchStatus.AMBIGUOUS  # 10:30 and 10:50 are as near as each other
    queue = clerk.get(url).get_data(as_text=True)
    assert "待人工选择（1）" in queue and "选择对应的过车" in queue
    chosen_id = int(re.findall(r'name="pass_id" value="(\d+)"', queue)[-1])
    assert post(clerk, f"{url}/{ambiguous.id}/pass", {}).status_code == 422  # nothing chosen: said so
    assert post(clerk, f"{url}/{ambiguous.id}/pass", {"pass_id": chosen_id}).status_code == 302
    db.session.refresh(ambiguous)
    assert (ambiguous.status, ambiguous.pass_id) == (MatchStatus.MATCHED, chosen_id)
    matched = db.session.scalar(select(WeighTicket).where(WeighTicket.ticket_no == "B1"))
    listed = clerk.get(f"{url}?status=matched").get_data(as_text=True)
    row = listed[listed.index(f'id="ticket-{matched.id}"') :].split("</tr>", 1)[0]
    elsewhere = next(int(p) for p in re.findall(r'name="pass_id" value="(\d+)"', row) if int(p) != matched.pass_id)
    no_reason = post(clerk, f"{url}/{matched.id}/pass?status=matched", {"pass_id": elsewhere})
    assert no_reason.status_code == 422 and "须说明原因" in no_reason.get_data(as_text=True)
    moved = post(clerk, f"{url}/{matched.id}/pass", {"pass_id": elsewhere, "reason": "司机先过磅后出厂"})
    assert moved.status_code == 302
    kept = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "weigh_ticket", AuditEntry.entity_id == matched.id)
    )
    assert kept.after["reason"] == "司机先过磅后出厂"


def test_the_ledger_is_read_by_period_downloaded_and_a_workbook_checked_against_the_seals(portal, browser_for):
    clerk, firm = portal["clerk"], portal["firm"]
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    page = clerk.get(f"/firms/{firm.id}/ledger", query_string=period).get_data(as_text=True)
    assert "共 4 条" in page and PLATE in page and "2026-11-20 10:30:00" in page
    assert (
        clerk.get(f"/firms/{firm.id}/ledger", query_string={"from": "2026-11-30", "to": "2026-01-01"}).status_code
        == 422
    )
    seal_all()
    db.session.commit()
    book = clerk.get(f"/firms/{firm.id}/ledger/export.xlsx", query_string=period)
    assert book.status_code == 200 and book.mimetype.endswith("spreadsheetml.sheet")
    intact = upload(clerk, f"/firms/{firm.id}/ledger/verify", "ledger.xlsx", book.data)
    assert intact.status_code == 200 and "完好" in intact.get_data(as_text=True)
    workbook = load_workbook(io.BytesIO(book.data))
    sheet = workbook.worksheets[0]
    assert firm.name in sheet.cell(1, 1).value and "2026-11-01 至 2026-11-30" in sheet.cell(2, 1).value
    rows = table(sheet)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["排放阶段"] == "国六" and first["车辆照片"].startswith("http://localhost/passes/")
    picture_page = clerk.get(first["车辆照片"].removeprefix("http://localhost"))  # the link opens, logged in
    shown = picture_page.get_data(as_text=True)
    assert picture_page.status_code == 200 and PLATE in shown and "该次过车没有图片" in shown  # none was sent
    stranger, _ = browser_for(Role.FIRM)
    assert stranger.get(first["车辆照片"].removeprefix("http://localhost")).status_code == 404
    header = [cell.value for cell in next(sheet.iter_rows(max_row=20)) if cell.value]
    rows = list(sheet.iter_rows())
    decision = next(i for i, row in enumerate(rows) if any(c.value == "判定结果" for c in row))
    column = next(c.column for c in rows[decision] if c.value == "判定结果")
    sheet.cell(
        row=decision + 2,
        column=column,
        value="允许通行" if rows[decision + 1][column - 1].value != "允许通行" else "禁止通行",
    )
    forged = io.BytesIO()
    workbook.save(forged)
    checked = upload(clerk, f"/firms/{firm.id}/ledger/verify", "ledger.xlsx", forged.getvalue())
    text = checked.get_data(as_text=True)
    assert "发现改动" in text and "判定结果" in text and "被修改" in text and header
    junk = upload(clerk, f"/firms/{firm.id}/ledger/verify", "x.xlsx", b"not a workbook")
    assert junk.status_code == 422


def test_in_plant_vehicles_are_added_corrected_and_retired(portal):
    clerk, firm = portal["clerk"], portal["firm"]
    url = f"/firms/{firm.id}/plant"
    bad = post(clerk, url, {"code": "厂内01", "emission_stage": "D", "fuel_type": "diesel"})
    assert bad.status_code == 422 and "新能源" in bad.get_data(as_text=True)
    assert post(clerk, url, {"code": "厂内01", "emission_stage": "6", "fuel_type": "diesel"}).status_code == 302
    vehicle = db.session.scalar(select(PlantVehicle).where(PlantVehicle.firm_id == firm.id))
    retired = post(clerk, f"{url}/{vehicle.id}", {"code": "厂内01", "emission_stage": "6", "fuel_type": "diesel",
                                                  "in_use": "0"})  # fmt: skip
    assert retired.status_code == 302
    db.session.refresh(vehicle)
    assert vehicle.retired_at is not None
    assert "停用" in clerk.get(url).get_data(as_text=True)


def test_a_registered_truck_that_is_not_the_firms_is_said_so_without_saying_whose(portal, make_vehicle):
    clerk = portal["clerk"]
    make_vehicle(plate="晋H10001")  # registered by nobody the clerk's firm knows
    for plate in ("晋H10001", "晋H99999"):  # registered elsewhere, or not at all: the same words
        page = clerk.get("/vehicles/documents", query_string={"plate": plate})
        text = page.get_data(as_text=True)
        assert page.status_code == 404 and f"本企业登记的车辆中没有 {plate}" in text and "二维码自助登记" in text
        assert "未找到已登记车辆" not in text
