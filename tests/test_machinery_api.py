"""Non-road machinery through the API: registration with photos, review and codes, verification,
transfer and retirement, permissions, exports."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.common.time import today_local
from registry.extensions import db
from registry.machinery.models import Machinery, MachineryPhoto
from tests.support.machinery import MACHINE, upload
from tests.support.photos import picture
from tests.support.workbooks import csv_table


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_unit_registers_a_machine_which_waits_for_review(unit_user, register):
    user, headers = unit_user()
    answer = register(headers)
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["status"] == "pending" and body["id"] and body["registration_code"] is None
    assert body["unit"]["id"] == user.construction_unit_id
    assert body["missing_photos"] == ["nameplate", "engine_nameplate", "label"]
    assert {k: body[k] for k in MACHINE} == MACHINE


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"machine_type": "spaceship"}, "machine_type"),
        ({"rated_power_kw": -5}, "rated_power_kw"),
        ({"rated_power_kw": 0}, "rated_power_kw"),
        ({"production_date": (today_local() + timedelta(days=1)).isoformat()}, "production_date"),
        ({"acquisition_date": "2023-01-01"}, "acquisition_date"),  # before production
        ({"pin": "LSY215C00000000"}, "pin"),  # 15 characters
        ({"pin": "LSY215C000000001O"}, "pin"),  # letter O
        ({"fuel_type": "electric"}, "emission_stage"),  # electric must be stage D
        ({"emission_stage": "D"}, "emission_stage"),
        ({"engine_no": None}, "engine_no"),
        ({"model": ""}, "model"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_registrations_are_refused_and_store_nothing(unit_user, register, overrides, field):
    _, headers = unit_user()
    answer = register(headers, **overrides)
    assert answer.status_code == 422
    assert field in answer.get_json()["errors"]["json"]
    assert count(Machinery) == 0


def test_an_electric_machine_registers_without_an_engine_number(unit_user, register):
    _, headers = unit_user()
    answer = register(headers, fuel_type="electric", emission_stage="D", engine_no=None, engine_model=None, pin=None)
    assert answer.status_code == 201


def test_duplicate_pin_or_engine_number_names_the_existing_registration(unit_user, register):
    _, headers = unit_user()
    first = register(headers).get_json()["id"]
    _, other = unit_user()
    for overrides in ({"engine_no": "OTHER-1"}, {"pin": "LSY215C0000000025"}):
        answer = register(other, **overrides)
        assert answer.status_code == 409
        assert answer.get_json()["existing_id"] == first
        assert str(first) in answer.get_json()["message"]


def test_photos_are_checked_stored_and_thumbnailed(client, unit_user, register):
    _, headers = unit_user()
    machine_id = register(headers).get_json()["id"]
    original = picture(2000, 1500, ".png", seed=3)
    answer = upload(client, headers, machine_id, "label", original, "label.png")
    assert answer.status_code == 201
    photo = answer.get_json()
    assert (photo["kind"], photo["content_type"], photo["width"], photo["height"]) == ("label", "image/png", 2000, 1500)
    with client.get(photo["url"], headers=headers) as full:
        assert full.data == original and full.mimetype == "image/png"
    with client.get(photo["thumbnail_url"], headers=headers) as thumb:
        assert thumb.mimetype == "image/jpeg" and thumb.data[:3] == b"\xff\xd8\xff" and len(thumb.data) < len(original)
    machine = client.get(f"/api/v1/machinery/{machine_id}", headers=headers).get_json()
    assert machine["missing_photos"] == ["nameplate", "engine_nameplate"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"GIF89a" + b"\x00" * 100, 422),  # not JPEG or PNG
        (b"plain text, not a picture", 422),
        (picture()[:200], 422),  # truncated JPEG
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8 + b"IHDR" + (60000).to_bytes(4, "big") * 2 + b"\x08\x02", 422),  # bomb
    ],
)
def test_bad_photos_are_refused_and_store_nothing(client, unit_user, register, data, expected):
    _, headers = unit_user()
    machine_id = register(headers).get_json()["id"]
    answer = upload(client, headers, machine_id, "nameplate", data)
    assert answer.status_code == expected
    assert "file" in answer.get_json()["errors"]["json"]
    assert count(MachineryPhoto) == 0


def test_an_oversize_photo_is_refused_with_a_clear_message(app, client, unit_user, register):
    _, headers = unit_user()
    machine_id = register(headers).get_json()["id"]
    limit = app.config["MAX_PHOTO_BYTES"]
    with upload(client, headers, machine_id, "nameplate", picture() + b"\x00" * limit) as answer:
        assert answer.status_code == 422 and "KiB" in answer.get_json()["message"]
    oversize = b"\xff" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    with upload(client, headers, machine_id, "nameplate", oversize) as too_big_for_any_request:
        assert too_big_for_any_request.status_code == 413
    assert count(MachineryPhoto) == 0


def test_approval_needs_all_three_photos_and_issues_unique_codes(app, client, bureau, unit_user, register, approved):
    _, headers = unit_user()
    machine_id = register(headers, pin=None, engine_no="E-1").get_json()["id"]
    refused = client.post(f"/api/v1/machinery/{machine_id}/approve", headers=bureau)
    assert refused.status_code == 422
    assert "nameplate" in refused.get_json()["message"]
    first, _ = approved()
    second, _ = approved(pin=None, engine_no="E-2")
    year = today_local().year
    pattern = re.compile(rf"{app.config['DISTRICT_CODE']}{year}\d{{6}}")
    assert pattern.fullmatch(first["registration_code"]) and pattern.fullmatch(second["registration_code"])
    assert int(second["registration_code"][-6:]) == int(first["registration_code"][-6:]) + 1
    assert first["status"] == "approved" and first["approved_at"]


def test_a_retired_code_is_never_issued_again(client, bureau, approved):
    first, headers = approved()
    retired = client.post(f"/api/v1/machinery/{first['id']}/retire", json={"reason": "报废"}, headers=headers)
    assert retired.status_code == 200 and retired.get_json()["status"] == "retired"
    second, _ = approved(pin=None, engine_no="E-9")
    assert second["registration_code"] != first["registration_code"]
    verify = client.get(f"/api/v1/machinery/verify/{first['registration_code']}")
    assert verify.status_code == 200 and verify.get_json()["valid"] is False


def test_rejection_reason_reaches_the_unit_and_a_correction_goes_back_to_the_queue(client, bureau, unit_user, register):
    _, headers = unit_user()
    machine_id = register(headers).get_json()["id"]
    assert client.post(f"/api/v1/machinery/{machine_id}/reject", json={}, headers=bureau).status_code == 422
    rejected = client.post(f"/api/v1/machinery/{machine_id}/reject", json={"reason": "铭牌照片不清晰"}, headers=bureau)
    assert rejected.get_json()["status"] == "rejected"
    seen = client.get(f"/api/v1/machinery/{machine_id}", headers=headers).get_json()
    assert seen["reject_reason"] == "铭牌照片不清晰"
    corrected = client.patch(f"/api/v1/machinery/{machine_id}", json={"model": "SY215C-9"}, headers=headers)
    assert corrected.status_code == 200
    assert corrected.get_json()["status"] == "pending" and corrected.get_json()["reject_reason"] is None
    history = client.get(f"/api/v1/machinery/{machine_id}/history", headers=headers).get_json()
    assert [h["action"] for h in history] == ["registered", "rejected", "resubmitted"]


def test_transfer_keeps_the_code_and_the_history(client, bureau, unit_user, approved):
    machine, old_headers = approved()
    new_user, new_headers = unit_user()
    moved = client.post(
        f"/api/v1/machinery/{machine['id']}/transfer",
        json={"unit_id": new_user.construction_unit_id, "note": "设备转让"},
        headers=bureau,
    )
    assert moved.status_code == 200
    assert moved.get_json()["registration_code"] == machine["registration_code"]
    assert client.get(f"/api/v1/machinery/{machine['id']}", headers=old_headers).status_code == 404
    history = client.get(f"/api/v1/machinery/{machine['id']}/history", headers=new_headers).get_json()
    assert [h["action"] for h in history] == ["registered", "approved", "transferred"]
    assert history[-1]["to_unit"]["id"] == new_user.construction_unit_id


def test_public_verification_shows_no_personal_data(client, approved):
    machine, _ = approved()
    answer = client.get(f"/api/v1/machinery/verify/{machine['registration_code']}")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["valid"] is True and body["status"] == "approved"
    assert body["machine_type"] == "excavator" and body["emission_stage"] == "4"
    assert body["owner_unit"] and body["latest_inspection"] is None
    # what an inspector compares with the machine in front of them (issue 16), never contact data
    assert body["model"] == machine["model"] and body["engine_no"] == machine["engine_no"]
    assert body["issued_on"] and body["site_today"] is None
    assert not {"contact_name", "contact_phone", "pin"} & set(body)
    unknown = client.get("/api/v1/machinery/verify/NO-SUCH-CODE")
    assert unknown.status_code == 404 and unknown.get_json()["valid"] is False


def test_permissions(client, auth, unit_user, register, approved):
    _, headers = unit_user()
    machine_id = register(headers).get_json()["id"]
    _, stranger = unit_user()
    assert client.get(f"/api/v1/machinery/{machine_id}", headers=stranger).status_code == 404
    assert client.patch(f"/api/v1/machinery/{machine_id}", json={"model": "x"}, headers=stranger).status_code == 404
    assert client.get("/api/v1/machinery", headers=stranger).get_json()["total"] == 0
    assert client.post(f"/api/v1/machinery/{machine_id}/approve", headers=headers).status_code == 403
    police = auth("police")
    assert client.get(f"/api/v1/machinery/{machine_id}", headers=police).status_code == 200
    assert client.post("/api/v1/machinery", json=MACHINE, headers=police).status_code == 403
    firm = auth("firm")  # registers its own in-plant machinery (ledger table 5), sees no one else's
    own = client.post("/api/v1/machinery", json=MACHINE | {"pin": None, "engine_no": "F-1"}, headers=firm)
    assert own.status_code == 201 and own.get_json()["firm_id"] and own.get_json()["unit_id"] is None
    assert client.get(f"/api/v1/machinery/{machine_id}", headers=firm).status_code == 404
    assert client.get("/api/v1/machinery", headers=firm).get_json()["total"] == 1
    assert client.get("/api/v1/machinery").status_code == 401
    machine, owner = approved(pin=None, engine_no="E-5")
    inspection = {"k": 0.3, "inspected_at": "2026-11-20T10:00:00+08:00"}
    code = machine["registration_code"]
    assert client.post(f"/api/v1/machinery/{code}/inspections", json=inspection, headers=owner).status_code == 403
    assert client.post(f"/api/v1/machinery/{machine['id']}/photos", headers=owner).status_code == 422
    changed = client.patch(f"/api/v1/machinery/{machine['id']}", json={"model": "x"}, headers=owner)
    assert changed.status_code == 403  # a registered machine changes through the bureau


def test_every_change_is_in_the_audit_log(client, bureau, approved):
    machine, _ = approved()
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity == "machinery", AuditEntry.entity_id == machine["id"])
        .order_by(AuditEntry.id)  # without it PostgreSQL may return them in any order
    ).all()
    assert actions == ["create", "photo", "photo", "photo", "approve"]


def test_overdue_registrations_are_flagged(app, client, bureau, unit_user, register):
    _, headers = unit_user()
    days = app.config["MACHINERY_REGISTRATION_DAYS"]
    late = register(headers, acquisition_date=(today_local() - timedelta(days=days + 1)).isoformat())
    on_time = register(
        headers, pin=None, engine_no="E-7", acquisition_date=(today_local() - timedelta(days=days)).isoformat()
    )
    assert late.get_json()["registration_overdue"] is True
    assert on_time.get_json()["registration_overdue"] is False
    flagged = client.get("/api/v1/machinery?overdue=true", headers=bureau).get_json()
    assert [m["id"] for m in flagged["items"]] == [late.get_json()["id"]]


def test_exports_parse_back_to_the_same_rows(client, bureau, approved, unit_user, register):
    machine, _ = approved()
    _, headers = unit_user()
    register(headers, pin=None, engine_no="E-8", machine_type="loader")
    as_csv = client.get("/api/v1/machinery.csv", headers=bureau)
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    rows = csv_table(as_csv.data)
    assert rows[0][0] == "登记编码" and len(rows) == 3
    as_xlsx = client.get("/api/v1/machinery.xlsx?status=approved", headers=bureau)
    sheet = load_workbook(io.BytesIO(as_xlsx.data), read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == rows[0] and len(table) == 2
    assert table[1][0] == machine["registration_code"] and table[1][3] == "挖掘机"
    assert client.get("/api/v1/machinery.csv", headers=headers).status_code == 403
