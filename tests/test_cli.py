"""flask users / gates / vehicles / demo commands."""

import json

from sqlalchemy import func, select

from registry.accounts.models import ApiToken
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.services import authenticate_gate
from registry.vehicles.models import Vehicle

HEADER = "plate,plate_color,vin,engine_no,emission_stage,fuel_type,registration_date,vehicle_class,owner\n"
GOOD_ROWS = (
    "晋H10001,yellow,1M8GDM9AXKP042788,WP1,5,diesel,2018-06-11,heavy_truck,顺达车队\n"
    "晋H 10002,yellow,,WP2,6,gas,2021-09-01,tractor,顺达车队\n"
    "晋H00018D,yellow_green,,,D,electric,2023-02-01,heavy_truck,绿能车队\n"
)
BAD_ROWS = (
    "晋H10003,yellow,1M8GDM9A1KP042788,WP3,5,diesel,2018-06-11,heavy_truck,\n"  # bad VIN check digit
    "晋H10004,purple,,WP4,5,diesel,,heavy_truck,\n"  # unknown colour
)


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_users_create_prints_a_working_token_last(runner, client):
    result = runner.invoke(args=["users", "create", "wang", "--role", "police"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert client.get("/api/v1/vehicles", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored) == 1


def test_users_create_refuses_taken_name_and_unknown_role(runner):
    runner.invoke(args=["users", "create", "li", "--role", "bureau"])
    again = runner.invoke(args=["users", "create", "li", "--role", "bureau"])
    assert again.exit_code != 0 and "li" in again.output
    assert runner.invoke(args=["users", "create", "zhao", "--role", "boss"]).exit_code != 0


def test_gates_create_prints_the_secret_last(runner, make_firm):
    firm = make_firm()
    result = runner.invoke(args=["gates", "create", "--firm", str(firm.id), "南门"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    code = firm.gates[0].code
    assert authenticate_gate(code, secret) is not None
    assert runner.invoke(args=["gates", "create", "--firm", "999999", "门"]).exit_code != 0


def test_import_all_or_nothing_stores_nothing_when_a_row_is_bad(runner, tmp_path):
    path = tmp_path / "trucks.csv"
    path.write_text(HEADER + GOOD_ROWS + BAD_ROWS, encoding="utf-8")
    result = runner.invoke(args=["vehicles", "import", str(path)])
    assert result.exit_code != 0
    assert "line 5" in result.output and "vin" in result.output
    assert "line 6" in result.output and "plate_color" in result.output
    assert "nothing was imported" in result.output
    assert count(Vehicle) == 0


def test_import_partial_stores_valid_rows_and_writes_an_error_report(runner, tmp_path):
    path, errors = tmp_path / "trucks.csv", tmp_path / "errors.csv"
    path.write_text(HEADER + GOOD_ROWS + BAD_ROWS, encoding="utf-8")
    result = runner.invoke(args=["vehicles", "import", str(path), "--partial", "--errors", str(errors)])
    assert result.exit_code == 1  # partial: says so by its exit status as well
    assert "created 3, updated 0, failed 2" in result.output
    assert count(Vehicle) == 3
    assert errors.read_text(encoding="utf-8-sig").splitlines()[1].startswith("5,")


def test_import_gbk_excel_file_and_update_existing(runner, tmp_path, make_vehicle):
    make_vehicle(plate="晋H10001", emission_stage="4")
    path = tmp_path / "trucks.csv"
    path.write_bytes((HEADER + GOOD_ROWS).encode("gb18030"))
    result = runner.invoke(args=["vehicles", "import", str(path), "--update-existing"])
    assert result.exit_code == 0, result.output
    assert "created 2, updated 1" in result.output
    assert db.session.scalar(select(Vehicle.emission_stage).where(Vehicle.plate == "晋H10001")) == "5"


def test_import_duplicate_without_update_is_an_error_and_header_is_checked(runner, tmp_path, make_vehicle):
    make_vehicle(plate="晋H10001")
    path = tmp_path / "trucks.csv"
    path.write_text(HEADER + GOOD_ROWS, encoding="utf-8")
    duplicate = runner.invoke(args=["vehicles", "import", str(path)])
    assert duplicate.exit_code != 0 and "晋H10001" in duplicate.output
    path.write_text("plate,colour\n晋H1,yellow\n", encoding="utf-8")
    header = runner.invoke(args=["vehicles", "import", str(path)])
    assert header.exit_code != 0 and "colour" in header.output


def test_demo_seed_once(runner, tmp_path, client):
    credentials = tmp_path / "demo.json"
    first = runner.invoke(args=["demo", "seed", "--credentials", str(credentials)])
    assert first.exit_code == 0, first.output
    assert count(Firm) == 6 and count(Vehicle) >= 20
    second = runner.invoke(args=["demo", "seed", "--credentials", str(credentials)])
    assert "nothing changed" in second.output and count(Firm) == 6
    saved = json.loads(credentials.read_text(encoding="utf-8"))
    token = saved["api_tokens"]["demo-bureau"]
    stages = {
        v["emission_stage"]
        for v in client.get("/api/v1/vehicles?per_page=100", headers={"Authorization": f"Bearer {token}"}).get_json()[
            "items"
        ]
    }
    assert stages >= {"0", "1", "2", "3", "4", "5", "6", "D", None}
    code, secret = next(iter(saved["gate_secrets"].items()))
    assert authenticate_gate(code, secret) is not None
