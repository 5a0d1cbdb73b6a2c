"""The ledger's seal covers every column of tables 3 to 5 as exported (issue 29, item 1): a forged
workbook fails its check with each changed cell named; a ticket, a truck's or a gate's edit after sealing
becomes an amendment with its own link (the earlier link keeps what it sealed); a matched ticket moves
only with an audited reason; links of the first chain (five columns) are sealed again in full."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from registry.accounts.models import Role
from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.gates.services import create_gate
from registry.ledger.chain import Link, legacy_digest
from registry.ledger.files import verify_workbook
from registry.ledger.models import LedgerSeal
from registry.ledger.sealing import days_now, sealed_state, verify_firm
from registry.weighbridge.models import WeighTicket
from tests.support.workbooks import header_row

DAYS = ("2026-11-20", "2026-11-21")
PLATE = "晋H50005"


@pytest.fixture
def plant(client, make_firm, make_vehicle, make_user):
    """A power plant (China VI only: a China V truck is refused), its gate, a China III truck with three
    passes out a day, and one weighbridge ticket matched to the first pass."""
    firm = make_firm(name="华电忻州热电", industry="power")
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    vehicle = make_vehicle(plate=PLATE, emission_stage="3", owner="忻州顺达物流", engine_no="WP10-001")
    _, token = make_user(Role.FIRM, firm_id=firm.id)
    plant = {"firm": firm, "gate": gate, "secret": secret, "vehicle": vehicle, "ids": [],
             "firm_headers": {"Authorization": f"Bearer {token}"}}  # fmt: skip
    for day in DAYS:
        for hour in (8, 12, 17):
            body = {"event_id": f"p-{day}-{hour}", "plate": PLATE, "plate_color": "yellow", "direction": "out",
                    "captured_at": f"{day}T{hour:02d}:00:00+08:00", "confidence": 0.9}  # fmt: skip
            answer = client.post(
                f"/api/v1/gates/{gate.code}/events", json=body, headers={"Authorization": f"Bearer {secret}"}
            )
            assert answer.status_code == 201, answer.get_json()
            plant["ids"].append(answer.get_json()["id"])
    tickets([ticket("T-1", "2026-11-20T08:05:00+08:00")], client, plant)
    return plant


def ticket(number, at, cargo="原煤"):
    return {"ticket_no": number, "plate": PLATE, "weighed_at": at, "gross_t": "49.30", "tare_t": "15.10",
            "cargo": cargo}  # fmt: skip


def tickets(items, client, plant):
    answer = client.post(
        f"/api/v1/firms/{plant['firm'].id}/weigh-tickets", json={"tickets": items}, headers=plant["firm_headers"]
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def seal(runner):
    result = runner.invoke(args=["ledger", "seal"])
    assert result.exit_code == 0, result.output


def export(client, plant, bureau) -> bytes:
    url = f"/api/v1/firms/{plant['firm'].id}/ledger.xlsx?from={DAYS[0]}&to={DAYS[-1]}"
    with client.get(url, headers=bureau) as answer:
        assert answer.status_code == 200
        return answer.data


def cells(report) -> set:
    return {(p.kind, p.day.isoformat(), p.key, p.column) for p in report.problems}


def test_a_forged_workbook_fails_with_each_changed_cell_named(runner, client, plant, bureau):
    seal(runner)
    data = export(client, plant, bureau)
    firm_id = plant["firm"].id
    assert verify_workbook(data, firm_id).intact
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    top = header_row(sheet)  # below the sheet's title, firm and period
    header = [cell.value for cell in sheet[top]]
    column = {title: header.index(title) for title in header}
    assert sheet.cell(top + 1, column["判定结果"] + 1).value == "禁止通行"  # China III: phased out
    assert sheet.cell(top + 1, column["货物名称"] + 1).value == "原煤"
    assert sheet.cell(top + 1, column["排放阶段"] + 1).value == "国三"  # a stage as its word (issue 30)
    assert "华电忻州热电" in sheet.cell(1, 1).value and "2026-11-20" in sheet.cell(2, 1).value
    forged = {}
    for row in (top + 1, top + 2, top + 5):  # two rows of 11-20, one of 11-21
        number = int(sheet.cell(row, column["车辆照片"] + 1).value.rsplit("/", 1)[-1])
        for title, value in (("判定结果", "允许通行"), ("排放阶段", "6"), ("货物名称", "精煤"), ("运输量（吨）", 40.0),
                             ("车辆识别代号（VIN）", "LFWSRXRJ5N1E00001"), ("车队名称", "别的车队")):  # fmt: skip
            sheet.cell(row, column[title] + 1).value = value
            forged[(number, title)] = "2026-11-20" if row < top + 4 else "2026-11-21"
    plant4 = book.worksheets[1]
    out = io.BytesIO()
    book.save(out)
    report = verify_workbook(out.getvalue(), firm_id)
    assert not report.intact
    assert cells(report) == {("changed", day, number, title) for (number, title), day in forged.items()}
    named = next(p for p in report.problems if p.column == "判定结果")
    assert (named.sealed, named.found) == ("deny", "pass")
    assert plant4.max_row == header_row(plant4)  # table 4 is empty here; the next test forges one

    path = runner.app.instance_path + "/forged-ledger.xlsx"
    with open(path, "wb") as file:
        file.write(out.getvalue())
    result = runner.invoke(args=["ledger", "verify", "--firm", str(firm_id), "--file", path])
    assert result.exit_code == 1 and "判定结果" in result.output and "运输量（吨）" in result.output
    assert result.output.count("被修改") == len(forged)


def test_changes_after_sealing_are_amendments_never_silent_rewrites(runner, client, plant, bureau, auth):
    seal(runner)
    firm_id, first = plant["firm"].id, plant["ids"][3]  # 11-21 08:00
    tickets([ticket("T-2", "2026-11-21T08:10:00+08:00", cargo="焦炭")], client, plant)  # a ticket for a sealed pass
    vehicle = client.patch(f"/api/v1/vehicles/{plant['vehicle'].id}", json={"engine_no": "WP10-002"}, headers=bureau)
    assert vehicle.status_code == 200, vehicle.get_json()
    gate = client.patch(f"/api/v1/gates/{plant['gate'].code}", json={"name": "北门"}, headers=bureau)
    assert gate.status_code == 200, gate.get_json()
    report = verify_firm(firm_id)  # before the next run: every changed cell is named
    found = cells(report)
    assert ("changed", "2026-11-21", first, "货物名称") in found and (
        "changed",
        "2026-11-21",
        first,
        "运输量（吨）",
    ) in found
    assert {(p.key, p.column) for p in report.problems if p.column == "门禁"} == {(i, "门禁") for i in plant["ids"]}
    assert {p.key for p in report.problems if p.column == "发动机号码"} == set(plant["ids"])
    assert not report.intact
    seal(runner)  # the run seals them, one amendment a day
    amendments = db.session.scalars(select(LedgerSeal).where(LedgerSeal.kind == "amendment")).all()
    assert sorted(str(a.day) for a in amendments) == list(DAYS)
    report = verify_firm(firm_id)
    assert report.intact and report.problems == [] and report.amendments == 2
    # the day's own link still holds what it sealed: the old gate name, no cargo
    of_day = select(LedgerSeal).where(LedgerSeal.day == date.fromisoformat(DAYS[1]))
    links = db.session.scalars(of_day.order_by(LedgerSeal.id)).all()
    was, now = sealed_state(links[:1])[first], sealed_state(links)[first]
    assert "东门" in was.cells[11] and "北门" in now.cells[11] and (was.cells[8], now.cells[8]) == ("", "焦炭")
    data = export(client, plant, bureau)
    assert verify_workbook(data, firm_id).intact
    book = load_workbook(io.BytesIO(data))
    seals = book.worksheets[-1]
    assert {cells[1] for cells in seals.iter_rows(min_row=header_row(seals) + 1, values_only=True)} == {"当日", "补录"}


def test_tables_4_and_5_are_sealed_and_a_forged_cell_named(runner, client, plant, bureau):
    url = f"/api/v1/firms/{plant['firm'].id}/plant-vehicles"
    body = {"code": "厂内01", "registration_date": "2019-05-01", "engine_no": "YC6-01", "emission_stage": "4",
            "fuel_type": "diesel"}  # fmt: skip
    created = client.post(url, json=body, headers=plant["firm_headers"])
    assert created.status_code == 201, created.get_json()
    seal(runner)
    assert db.session.scalar(select(LedgerSeal.row_count).where(LedgerSeal.kind == "table4")) == 1
    data = export(client, plant, bureau)
    firm_id = plant["firm"].id
    assert verify_workbook(data, firm_id).intact
    book = load_workbook(io.BytesIO(data))
    plant4 = book.worksheets[1]
    assert plant4.cell(header_row(plant4) + 1, 6).value == "国四"
    plant4.cell(header_row(plant4) + 1, 6).value = "国六"  # 排放阶段: 国四 made 国六
    out = io.BytesIO()
    book.save(out)
    assert cells(verify_workbook(out.getvalue(), firm_id)) == {("changed", str(plant_day()), 1, "排放阶段")}
    # a change to the register itself is not tampering: it waits for the next run, which seals it
    changed = client.patch(
        f"{url}/{created.get_json()['id']}", json={"emission_stage": "5"}, headers=plant["firm_headers"]
    )
    assert changed.status_code == 200, changed.get_json()
    report = verify_firm(firm_id)
    assert report.intact and {(p.kind, p.table, p.column) for p in report.problems} == {("unsealed", "4", "排放阶段")}
    seal(runner)
    assert verify_firm(firm_id).problems == []
    assert db.session.scalar(select(text("count(*)")).select_from(LedgerSeal).where(LedgerSeal.kind == "table4")) == 2


def plant_day():
    from registry.common.time import today_local

    return today_local()


def test_a_matched_ticket_moves_only_with_an_audited_reason(runner, client, plant):
    matched = db.session.scalar(select(WeighTicket).where(WeighTicket.ticket_no == "T-1"))
    assert matched.pass_id == plant["ids"][0]  # 08:00, matched by the platform
    body = {"event_id": "p-0830", "plate": PLATE, "plate_color": "yellow", "direction": "out",
            "captured_at": "2026-11-20T08:30:00+08:00", "confidence": 0.9}  # fmt: skip
    answer = client.post(
        f"/api/v1/gates/{plant['gate'].code}/events", json=body, headers={"Authorization": f"Bearer {plant['secret']}"}
    )
    other = answer.get_json()["id"]  # a pass the ticket may belong to as well
    url = f"/api/v1/firms/{plant['firm'].id}/weigh-tickets/{matched.id}"
    refused = client.patch(url, json={"pass_id": other}, headers=plant["firm_headers"])
    assert refused.status_code == 422 and "原因" in refused.get_json()["message"]
    assert db.session.get(WeighTicket, matched.id).pass_id == plant["ids"][0]
    moved = client.patch(url, json={"pass_id": other, "reason": "司机报告磅单打错车次"}, headers=plant["firm_headers"])
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["pass_id"] == other
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "weigh_ticket")).all()[-1]
    assert entry.after == {"pass_id": other, "reason": "司机报告磅单打错车次"}
    assert entry.before["pass_id"] == plant["ids"][0]


def test_links_of_the_first_chain_are_sealed_again_in_full(runner, app, plant):
    """A day sealed by the first chain (five columns, no rows kept) is sealed again in full by the next
    run, where its five columns still hold."""
    from registry.common.time import utcnow

    firm_id, now = plant["firm"].id, utcnow()
    previous = "0" * 64
    for day in DAYS:
        [(_, found)] = list(days_now(firm_id, date.fromisoformat(day), date.fromisoformat(day), now))
        count, digest = legacy_digest(row for row, _ in found.values())
        link = Link(firm_id, date.fromisoformat(day), "day", None, now, count, digest, count, digest, previous, 1)
        db.session.add(LedgerSeal(**link.__dict__, digest=link.digest(), sealed_at=now))
        previous = link.digest()
    db.session.commit()
    assert verify_firm(firm_id).intact
    seal(runner)
    resealed = db.session.scalars(select(LedgerSeal).where(LedgerSeal.kind == "amendment")).all()
    assert [(a.format, a.row_count) for a in resealed] == [(2, 3), (2, 3)]
    report = verify_firm(firm_id)
    assert report.intact and report.problems == []


def test_older_days_are_amended_for_the_registrys_own_edits_only(
    runner, client, plant, bureau, make_vehicle, monkeypatch
):
    """Past LEDGER_LATE_DAYS a run compares only the days the registry's own edits touched since the last
    run: a change made around the registry (in the database) is not sealed over, and verify keeps naming
    it; an edit of the truck itself is sealed as an amendment of each of its days."""
    monkeypatch.setitem(runner.app.config, "LEDGER_LATE_DAYS", 1)
    seal(runner)
    firm_id = plant["firm"].id
    other = make_vehicle(plate="晋H77777")  # an edit that touches none of the firm's days
    assert client.patch(f"/api/v1/vehicles/{other.id}", json={"owner": "别的车队"}, headers=bureau).status_code == 200
    db.session.execute(
        text("UPDATE verdicts SET emission_stage = '6' WHERE plate_event_id = :id"), {"id": plant["ids"][4]}
    )
    db.session.commit()
    seal(runner)
    report = verify_firm(firm_id)
    assert {(p.kind, p.key, p.column) for p in report.problems} == {("changed", plant["ids"][4], "排放阶段")}
    assert report.amendments == 0 and not report.intact
    db.session.execute(
        text("UPDATE verdicts SET emission_stage = '3' WHERE plate_event_id = :id"), {"id": plant["ids"][4]}
    )
    db.session.commit()
    edited = client.patch(f"/api/v1/vehicles/{plant['vehicle'].id}", json={"owner": "新车队"}, headers=bureau)
    assert edited.status_code == 200
    seal(runner)
    report = verify_firm(firm_id)
    assert report.problems == [] and report.amendments == 2  # the owner's change, one amendment a day
