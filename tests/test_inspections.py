"""Sampled inspection (抽查核验): a reproducible sample of a firm's ledger from a recorded seed, each row
checked (complete, stage against the documents, a note, a photo), closed with a result, findings made
cases for the firm, everything audited, and a record that prints."""

from io import BytesIO

import pytest
from sqlalchemy import select

from registry.accounts.models import Role
from registry.audit.models import AuditEntry
from registry.cases.models import Case
from registry.events.models import Violation
from registry.extensions import db
from registry.gates.services import create_gate
from registry.identifiers.vin import check_digit
from registry.inspections.models import FirmInspection
from registry.inspections.sampling import draw, ledger_gaps
from registry.inspections.services import redraw
from tests.support.pages import post as page_post
from tests.support.photos import picture

# The ledger's layouts (DOMAIN.md 4): a complete row, and the fields whose lack or form is a gap.
COMPLETE = {
    "time": "20260301 080000",
    "plate": "晋H60000",
    "registration_date": "20200115",
    "vin": "LZZ1CLVB0HW000001",
    "engine_no": "WP10-0001",
    "emission_stage": "6",
    "documents": True,
}


@pytest.mark.parametrize(
    ("change", "gaps"),
    [
        ({}, []),
        ({"vin": None}, ["vin"]),
        ({"vin": "LZZ1CLVB0HW00000I"}, ["vin"]),  # GB 16735: no I, O or Q in a VIN
        ({"emission_stage": "7"}, ["emission_stage"]),  # codes 0-6 and D only
        ({"emission_stage": "D"}, []),
        ({"time": "2026-03-01 08:00"}, ["time"]),  # yyyymmdd HHmmss
        ({"registration_date": None, "documents": False}, ["registration_date", "documents"]),
        ({"plate": ""}, ["plate"]),
    ],
)
def test_a_ledger_rows_gaps(change, gaps):
    assert ledger_gaps(COMPLETE | change) == gaps


def test_the_draw_depends_on_the_seed_and_the_population_only():
    population = list(range(1000, 1300))
    sample = draw(population, 8, 20261203)
    assert len(sample) == 8 and sample == sorted(sample)
    assert draw(list(reversed(population)), 8, 20261203) == sample  # not on the order they come in
    assert draw(population, 8, 20261204) != sample
    assert set(draw(population, 9, 20261203)) > set(sample)  # one more row keeps the first eight
    assert draw(population[:5], 8, 1) == population[:5]


@pytest.fixture
def plant(client, make_firm, make_vehicle, make_user):
    """A coking plant with 30 passes over three days: registered trucks with their papers, and two
    trucks the registry does not know (rows with gaps)."""
    firm = make_firm(name="山西焦化", industry="coking", credit_code="91140900MA0K000002")
    gate, secret = create_gate(None, firm, "北门")
    db.session.commit()
    for n in range(4):
        vin = f"LZZ1CLVB0HW00000{n}"
        make_vehicle(
            plate=f"晋H6000{n}",
            vin=vin[:8] + check_digit(vin) + vin[9:],
            engine_no=f"WP10-000{n}",
            registration_date="2020-01-15",
            owner="顺达物流",
        )
    plates = [f"晋H6000{n}" for n in range(4)] + ["晋K99991", "晋K99992"]
    for n in range(30):
        day, minute = 1 + n // 10, n % 10
        body = {
            "event_id": f"p-{n}",
            "plate": plates[n % len(plates)],
            "plate_color": "yellow",
            "direction": "in" if n % 2 else "out",
            "captured_at": f"2026-03-0{day}T08:{minute:02d}:00+08:00",
            "confidence": 0.9,
        }
        answer = client.post(
            f"/api/v1/gates/{gate.code}/events", json=body, headers={"Authorization": f"Bearer {secret}"}
        )
        assert answer.status_code == 201, answer.get_json()
    _, firm_token = make_user(Role.FIRM, firm_id=firm.id)
    return {"firm": firm, "gate": gate, "secret": secret, "firm_headers": {"Authorization": f"Bearer {firm_token}"}}


def start(client, headers, firm_id, **extra):
    body = {"period_start": "2026-03-01", "period_end": "2026-03-03", "sample_size": 6} | extra
    return client.post(f"/api/v1/firms/{firm_id}/inspections", json=body, headers=headers)


def test_a_sample_is_drawn_again_from_its_seed(client, bureau, plant):
    first = start(client, bureau, plant["firm"].id)
    assert first.status_code == 201, first.get_json()
    drawn = first.get_json()
    assert drawn["population"] == 30 and len(drawn["items"]) == 6 and drawn["status"] == "open"
    ids = sorted(item["pass_id"] for item in drawn["items"])
    times = [item["pass_at"] for item in drawn["items"]]
    assert times == sorted(times)  # the rows in the ledger's order

    # a camera's backlog arrives later for the same days: the inspection's population was fixed when drawn
    late = {"event_id": "late-1", "plate": "晋H60001", "plate_color": "yellow", "direction": "in"}
    late |= {"captured_at": "2026-03-02T09:00:00+08:00", "confidence": 0.9}
    client.post(
        f"/api/v1/gates/{plant['gate'].code}/events", json=late, headers={"Authorization": f"Bearer {plant['secret']}"}
    )
    inspection = db.session.get(FirmInspection, drawn["id"])
    assert redraw(inspection) == ids

    # the seed is the system's: an inspector cannot choose one (and so cannot search for a clean sample)
    chosen = start(client, bureau, plant["firm"].id, seed=drawn["seed"])
    assert chosen.status_code == 422 and "seed" in chosen.get_json()["errors"]["json"]
    again = start(client, bureau, plant["firm"].id).get_json()
    assert again["population"] == 31 and again["seed"] != drawn["seed"]  # the backlog counts now; a new seed
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "firm_inspection")).action == "open"


def test_rows_are_checked_closed_and_findings_become_the_firms_cases(client, bureau, plant, auth):
    drawn = start(client, bureau, plant["firm"].id, sample_size=30).get_json()  # every row: both kinds of truck
    base = f"/api/v1/inspections/{drawn['id']}"
    items = drawn["items"]
    unknown = next(i for i in items if i["row"]["plate"].startswith("晋K"))  # no VIN, no registration date
    assert "vin" in unknown["gaps"] and "registration_date" in unknown["gaps"]
    known = next(i for i in items if i["row"]["plate"].startswith("晋H"))
    assert known["gaps"] == ["documents"]  # registered, but its documents were never uploaded

    # a finding needs a note; a stage that does not match needs the stage seen
    no_note = client.patch(f"{base}/items/{unknown['id']}", json={"record_complete": False}, headers=bureau)
    assert no_note.status_code == 422 and "note" in no_note.get_json()["errors"]["json"]
    no_stage = {"record_complete": True, "stage_correct": False, "note": "随车清单为国五"}
    assert client.patch(f"{base}/items/{known['id']}", json=no_stage, headers=bureau).status_code == 422
    assert (
        client.post(f"{base}/close", json={"result": "rectify", "conclusion": "x"}, headers=bureau).status_code == 422
    )

    for item in items:
        if item["id"] == unknown["id"]:
            body = {"record_complete": False, "note": "台账缺车辆识别代号和注册登记日期"}
        elif item["id"] == known["id"]:
            body = {"record_complete": True, "stage_correct": False, "stage_seen": "5", "note": "随车清单为国五"}
        else:
            body = {"record_complete": True, "stage_correct": True, "stage_seen": "6"}
        answer = client.patch(f"{base}/items/{item['id']}", json=body, headers=bureau)
        assert answer.status_code == 200, answer.get_json()
    photo = client.post(
        f"{base}/items/{known['id']}/photos",
        data={"file": (BytesIO(picture()), "list.jpg")},
        headers=bureau,
        content_type="multipart/form-data",
    )
    assert photo.status_code == 201 and len(photo.get_json()["photo_ids"]) == 1
    [photo_id] = photo.get_json()["photo_ids"]
    with client.get(f"{base}/photos/{photo_id}", headers=plant["firm_headers"]) as shown:
        assert shown.status_code == 200 and shown.mimetype == "image/jpeg"

    compliant = client.post(f"{base}/close", json={"result": "compliant"}, headers=bureau)
    assert compliant.status_code == 422  # findings were recorded
    closed = client.post(
        f"{base}/close", json={"result": "rectify", "conclusion": "限期一个月整改台账"}, headers=bureau
    )
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["status"] == "closed"
    assert (
        client.patch(f"{base}/items/{known['id']}", json={"record_complete": True}, headers=bureau).status_code == 422
    )

    raised = db.session.scalars(select(Violation).where(Violation.rule.in_(["LEDGER_INCOMPLETE", "STAGE_MISMATCH"])))
    by_rule = {v.rule: v for v in raised}
    assert by_rule["LEDGER_INCOMPLETE"].plate_event_id == unknown["pass_id"]
    assert by_rule["STAGE_MISMATCH"].plate_event_id == known["pass_id"]
    assert "国五" in by_rule["STAGE_MISMATCH"].finding["message_zh"]
    assert "HJ 1321-2023" in by_rule["STAGE_MISMATCH"].finding["clause"]
    case = db.session.get(Case, known["pass_id"])
    assert case.status.value == "open" and "STAGE_MISMATCH" in case.rule_codes
    # the firm sees the case in its own queue
    cases = client.get("/api/v1/cases?rule=STAGE_MISMATCH", headers=plant["firm_headers"]).get_json()["items"]
    assert [c["id"] for c in cases] == [known["pass_id"]]
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity.like("firm_inspection%"))).all()
    assert actions.count("check") == 30 and "photo" in actions and "close" in actions

    # another firm's user does not see it; the firm does
    assert client.get(base, headers=auth(Role.FIRM)).status_code == 404
    assert client.get(base, headers=plant["firm_headers"]).status_code == 200


def test_the_pages_check_rows_show_delivery_and_print_the_record(plant, browser_for):
    client, _ = browser_for(Role.BUREAU)
    answer = page_post(
        client,
        "/inspections",
        {"firm": "山西焦化", "period_start": "2026-03-01", "period_end": "2026-03-03", "sample_size": "3"},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    url = answer.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "北门" in page and "上报率" in page and "待核查" in page
    inspection = db.session.scalars(select(FirmInspection)).one()
    first = inspection.items[0]
    saved = page_post(
        client,
        f"/inspections/{inspection.id}/items/{first.id}",
        {"record_complete": "no", "stage_correct": "", "note": "缺随车清单"},
    )
    assert saved.status_code == 302
    missing = page_post(client, f"/inspections/{inspection.id}/close", {"result": "rectify", "conclusion": "整改"})
    assert missing.status_code == 422 and "还有未核查的记录" in missing.get_data(as_text=True)
    for item in inspection.items[1:]:
        page_post(client, f"/inspections/{inspection.id}/items/{item.id}", {"record_complete": "yes"})
    # issue 30: with a finding recorded the form no longer offers 合格 first, and a refusal is said at the top
    page = client.get(url).get_data(as_text=True)
    assert '<option value="rectify" selected>' in page and "结论不能为“合格”" in page
    refused = page_post(client, f"/inspections/{inspection.id}/close", {"result": "compliant", "conclusion": "好"})
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 422 and shown.index("未能办结") < shown.index("抽查记录")  # above the rows
    assert '<option value="compliant" selected>' in shown and ">好</textarea>" in shown  # what was chosen stays
    again = client.get(f"/inspections/{inspection.id}/close")  # the form's address reloaded: no 405
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/inspections/{inspection.id}#close")
    closed = page_post(client, f"/inspections/{inspection.id}/close", {"result": "rectify", "conclusion": "限期整改"})
    assert closed.status_code == 302
    record = client.get(f"/inspections/{inspection.id}/record").get_data(as_text=True)
    assert "重点企业门禁电子台账抽查核验记录" in record and str(inspection.seed) in record
    assert "按种子重新抽取结果一致" in record and "限期整改" in record and "缺随车清单" in record
    assert "发现问题，限期整改" in record and "data-print" in record

    firm_client, _ = browser_for(Role.FIRM)  # a firm user of another firm
    assert firm_client.get(f"/inspections/{inspection.id}").status_code == 404
