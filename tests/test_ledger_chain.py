"""The gate ledger's chain (台账防篡改): each firm's finished days sealed with digests that include the
previous day's; `flask ledger verify` finds a changed, a deleted and an inserted row and a broken chain,
in the database and in an exported workbook, while a camera's late backlog is sealed as an amendment."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from registry.extensions import db
from registry.gates.services import create_gate
from registry.ledger.files import verify_workbook
from registry.ledger.sealing import verify_firm
from tests.support.workbooks import header_row

DAYS = ("2026-11-20", "2026-11-21", "2026-11-22")


@pytest.fixture
def plant(client, make_firm):
    firm = make_firm(name="华电忻州热电", industry="power")
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    plant = {"firm": firm, "gate": gate, "secret": secret, "ids": []}
    for n, day in enumerate(DAYS):
        for hour in (8, 9, 17):
            plant["ids"].append(arrive(client, plant, f"e-{n}-{hour}", f"{day}T{hour:02d}:00:00+08:00"))
    return plant


def arrive(client, plant, event_id, at, plate="晋H40001"):
    body = {"event_id": event_id, "plate": plate, "plate_color": "yellow", "direction": "in", "captured_at": at}
    answer = client.post(
        f"/api/v1/gates/{plant['gate'].code}/events",
        json=body | {"confidence": 0.9},
        headers={"Authorization": f"Bearer {plant['secret']}"},
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def seal(runner):
    result = runner.invoke(args=["ledger", "seal"])
    assert result.exit_code == 0, result.output
    return result.output


def verify(runner):
    return runner.invoke(args=["ledger", "verify"])


def execute(sql, **params):
    db.session.execute(text(sql), params)
    db.session.commit()


def kinds(report):
    return {(p.day.isoformat(), p.kind) for p in report.problems}


def test_sealed_days_verify_and_a_changed_row_is_found(runner, plant):
    assert "sealed:" in seal(runner)
    links = db.session.execute(text("SELECT count(*) FROM ledger_seals")).scalar()
    assert links >= 3  # 11-20 up to the day before yesterday, one a day, empty days too
    assert seal(runner).startswith("已封存 / sealed: 0")  # nothing new: idempotent
    assert verify(runner).exit_code == 0
    execute("UPDATE plate_events SET plate = '晋H99999' WHERE id = :id", id=plant["ids"][4])
    result = verify(runner)
    assert result.exit_code == 1 and "被修改" in result.output and "2026-11-21" in result.output
    assert kinds(verify_firm(plant["firm"].id)) == {("2026-11-21", "changed")}


def test_a_deleted_and_an_inserted_row_are_found(runner, client, plant):
    seal(runner)
    gone = plant["ids"][0]
    for table in ("cases", "violations", "verdicts", "pass_images", "plate_reads"):
        execute(f"DELETE FROM {table} WHERE plate_event_id = :id", id=gone)
    execute("DELETE FROM plate_events WHERE id = :id", id=gone)
    forged = arrive(client, plant, "forged", "2026-11-22T12:00:00+08:00")
    # a forger backdates the receipt too, into the sealed span
    execute("UPDATE plate_events SET received_at = captured_at WHERE id = :id", id=forged)
    assert kinds(verify_firm(plant["firm"].id)) == {("2026-11-20", "deleted"), ("2026-11-22", "inserted")}
    assert verify(runner).exit_code == 1


def test_a_changed_seal_breaks_the_chain(runner, plant):
    seal(runner)
    execute("UPDATE ledger_seals SET day_count = 2 WHERE day = '2026-11-20'")
    report = verify_firm(plant["firm"].id)
    assert ("2026-11-20", "broken chain") in kinds(report) and not report.intact


def test_a_cameras_late_backlog_is_sealed_as_an_amendment(runner, client, plant):
    seal(runner)
    arrive(client, plant, "late", "2026-11-21T23:30:00+08:00")  # received today for a sealed day
    report = verify_firm(plant["firm"].id)
    assert kinds(report) == {("2026-11-21", "unsealed")} and report.intact  # not tampering: not sealed yet
    seal(runner)
    amendment = db.session.execute(text("SELECT day, row_count, day_count FROM ledger_seals WHERE kind = 'amendment'"))
    [(day, rows, day_rows)] = amendment.all()
    assert (str(day), rows, day_rows) == ("2026-11-21", 1, 4)
    assert verify(runner).exit_code == 0


def test_an_exported_workbook_is_checked_against_its_seals(runner, client, plant, bureau):
    seal(runner)
    url = f"/api/v1/firms/{plant['firm'].id}/ledger.xlsx?from=2026-11-20&to=2026-11-22"
    with client.get(url, headers=bureau) as answer:
        data = answer.data
    book = load_workbook(io.BytesIO(data))
    assert [sheet.title for sheet in book.worksheets] == [
        "表3 门禁电子台账",
        "表4 厂内运输车辆",
        "表5 厂内非道路移动机械",
        "台账校验",
    ]
    seals = book.worksheets[-1]
    assert seals.max_row == header_row(seals) + 3  # a header and a seal a day
    top = header_row(book.worksheets[0])
    firm_id = plant["firm"].id
    assert verify_workbook(data, firm_id).intact

    def tampered(change) -> set:
        book = load_workbook(io.BytesIO(data))
        change(book.worksheets[0])
        out = io.BytesIO()
        book.save(out)
        return kinds(verify_workbook(out.getvalue(), firm_id))

    assert tampered(lambda sheet: setattr(sheet[f"E{top + 1}"], "value", "晋H88888")) == {("2026-11-20", "changed")}
    assert tampered(lambda sheet: sheet.delete_rows(top + 1)) == {("2026-11-20", "deleted")}

    def insert(sheet):
        copied = [cell.value for cell in sheet[top + 4]]
        copied[3] = copied[3].rsplit("/", 1)[0] + "/999999"
        sheet.append(copied)

    assert tampered(insert) == {("2026-11-21", "inserted")}

    path = runner.app.instance_path + "/ledger.xlsx"
    with open(path, "wb") as out:
        out.write(data)
    result = runner.invoke(args=["ledger", "verify", "--firm", str(firm_id), "--file", path])
    assert result.exit_code == 0 and "完好" in result.output
