"""A firm's in-plant fleet for the gate ledger: transport vehicles (table 4) registered by the firm, and
in-plant non-road machinery (table 5) registered in the machinery registry with the firm as its owner,
reviewed by the bureau like any machine; the ledger exports all three tables, one sheet each."""

import io

from openpyxl import load_workbook

from registry.accounts.models import Role
from registry.labels import label
from tests.support.machinery import MACHINE, upload
from tests.support.photos import picture
from tests.support.workbooks import csv_table, table


def firm_headers(make_user):
    user, token = make_user(Role.FIRM)
    return user.firm_id, {"Authorization": f"Bearer {token}"}


def test_a_firm_registers_its_in_plant_vehicles(client, make_user, auth):
    firm_id, firm = firm_headers(make_user)
    url = f"/api/v1/firms/{firm_id}/plant-vehicles"
    body = {"code": "厂内01", "registration_date": "2019-05-01", "engine_no": "YC6-01", "emission_stage": "4",
            "fuel_type": "diesel"}  # fmt: skip
    created = client.post(url, json=body, headers=firm)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["emission_stage_label"] == "国四"
    again = client.post(url, json=body, headers=firm)
    assert again.status_code == 422 and "厂内01" in again.get_json()["message"]
    electric = client.post(url, json=body | {"code": "厂内02", "emission_stage": "D"}, headers=firm)
    assert electric.status_code == 422  # stage D is for new-energy fuels
    vehicle_id = created.get_json()["id"]
    retired = client.patch(f"{url}/{vehicle_id}", json={"retired": True}, headers=firm)
    assert retired.status_code == 200 and retired.get_json()["retired_at"]
    assert client.get(url, headers=firm).get_json()["total"] == 1  # kept for the ledger
    _, other = firm_headers(make_user)
    assert client.get(url, headers=other).status_code == 404
    assert client.post(url, json=body, headers=auth(Role.POLICE)).status_code == 403


def test_the_ledger_exports_tables_3_4_and_5(client, make_user, bureau):
    firm_id, firm = firm_headers(make_user)
    client.post(
        f"/api/v1/firms/{firm_id}/plant-vehicles",
        json={"code": "内部-07", "registration_date": "2020-01-02", "vin": None, "emission_stage": "5",
              "fuel_type": "diesel"},
        headers=firm,
    )  # fmt: skip
    loader = client.post("/api/v1/machinery", json=MACHINE | {"machine_type": "loader", "pin": None}, headers=firm)
    assert loader.status_code == 201, loader.get_json()
    machine = loader.get_json()
    assert machine["firm_id"] == firm_id and machine["owner_name"]
    for seed, kind in enumerate(("nameplate", "engine_nameplate", "label")):
        assert upload(client, firm, machine["id"], kind, picture(seed=seed)).status_code == 201
    approved = client.post(f"/api/v1/machinery/{machine['id']}/approve", headers=bureau)
    assert approved.status_code == 200
    code = approved.get_json()["registration_code"]

    with client.get(f"/api/v1/firms/{firm_id}/ledger.xlsx?from=2026-11-01&to=2026-11-30", headers=firm) as answer:
        book = load_workbook(io.BytesIO(answer.data))
    titles = [sheet.title for sheet in book.worksheets]
    assert titles == ["表3 门禁电子台账", "表4 厂内运输车辆", "表5 厂内非道路移动机械", "台账校验"]
    table4 = table(book["表4 厂内运输车辆"])
    assert table4[1][1] == "内部-07" and table4[1][2].year == 2020 and table4[1][5] == "国五"
    table5 = table(book["表5 厂内非道路移动机械"])
    row = dict(zip(table5[0], table5[1], strict=True))
    assert row["环保登记编码"] == code and row["排放阶段"] == label("machine_stage", "4")
    assert row["机械环保代码/出厂编号"] == MACHINE["engine_no"]
    assert row["发动机铭牌"].endswith(f"/machinery/{machine['id']}/photos/engine_nameplate")  # a page that opens
    assert client.get(row["发动机铭牌"].split("localhost", 1)[-1]).status_code in (302, 401)  # after a login

    with client.get(f"/api/v1/firms/{firm_id}/ledger.csv?from=2026-11-01&to=2026-11-30&part=5", headers=firm) as answer:
        rows = csv_table(answer.data)
    assert rows[0][1] == "环保登记编码" and rows[1][1] == code
