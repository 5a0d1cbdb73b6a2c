"""A truck's documents (行驶证, 随车清单): uploaded through the API, checked like every photo, reviewed
against the VIN, engine number, registration date and stage; a review that agrees marks the stage
verified, and every step is in the audit log. Who may do what follows the DOCUMENT_REVIEW policy."""

import io

from sqlalchemy import select

from registry.accounts.models import Role
from registry.audit.models import AuditEntry
from registry.extensions import db
from tests.support.machinery import post_file
from tests.support.photos import picture

VIN = "LZZ5BLSJ1KW123457"  # a valid check digit (GB 16735)


def upload(client, headers, vehicle_id, kind, data, filename="licence.jpg"):
    return post_file(client, f"/api/v1/vehicles/{vehicle_id}/documents", headers, data, filename, kind=kind)


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_bureau_verifies_a_stage_against_the_documents(client, bureau, make_vehicle):
    truck = make_vehicle(plate="晋H20301", emission_stage="5", vin=None)
    assert truck.stage_source.value == "declared"
    refused = client.post(
        f"/api/v1/vehicles/{truck.id}/stage-review",
        json={"decision": "verified", "vin": VIN, "registration_date": "2020-05-01", "emission_stage": "6"},
        headers=bureau,
    )
    assert refused.status_code == 422 and "随车清单" in refused.get_json()["message"]  # nothing to verify against

    for seed, kind in enumerate(("licence_front", "licence_back", "environmental_list")):
        answer = upload(client, bureau, truck.id, kind, picture(seed=seed))
        assert answer.status_code == 201, answer.get_json()
        assert answer.get_json()["status"] == "pending" and answer.get_json()["kind_label"]
    listed = client.get(f"/api/v1/vehicles/{truck.id}/documents", headers=bureau).get_json()
    assert [d["kind"] for d in listed] == ["licence_front", "licence_back", "environmental_list"]
    with client.get(listed[0]["thumbnail_url"], headers=bureau) as thumb:
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"

    incomplete = client.post(
        f"/api/v1/vehicles/{truck.id}/stage-review", json={"decision": "verified", "vin": VIN}, headers=bureau
    )
    assert incomplete.status_code == 422
    verified = client.post(
        f"/api/v1/vehicles/{truck.id}/stage-review",
        json={
            "decision": "verified",
            "vin": VIN.lower(),
            "engine_no": "WP10H-400E62",
            "registration_date": "2020-05-01",
            "emission_stage": "6",
            "note": "随车清单显示国六",
        },
        headers=bureau,
    )
    assert verified.status_code == 200, verified.get_json()
    body = verified.get_json()
    assert (body["emission_stage"], body["stage_source"], body["vin"]) == ("6", "verified", VIN)
    assert body["stage_verified_at"] and body["registration_date"] == "2020-05-01"
    documents = client.get(f"/api/v1/vehicles/{truck.id}/documents", headers=bureau).get_json()
    assert {d["status"] for d in documents} == {"accepted"}
    [entry] = audit("verify_stage")
    assert entry.entity_id == str(truck.id) or int(entry.entity_id) == truck.id
    assert entry.before["emission_stage"] == "5" and entry.after["emission_stage"] == "6"
    assert entry.after["stage_source"] == "verified" and entry.after["note"] == "随车清单显示国六"


def test_documents_that_do_not_match_are_sent_back_with_the_reason(client, bureau, make_vehicle):
    truck = make_vehicle(plate="晋H20302", emission_stage="5")
    upload(client, bureau, truck.id, "environmental_list", picture())
    no_reason = client.post(f"/api/v1/vehicles/{truck.id}/stage-review", json={"decision": "rejected"}, headers=bureau)
    assert no_reason.status_code == 422
    answer = client.post(
        f"/api/v1/vehicles/{truck.id}/stage-review",
        json={"decision": "rejected", "note": "清单上的发动机号与车辆不符"},
        headers=bureau,
    )
    assert answer.status_code == 200 and answer.get_json()["stage_source"] == "declared"
    [document] = client.get(f"/api/v1/vehicles/{truck.id}/documents", headers=bureau).get_json()
    assert document["status"] == "rejected" and document["review_note"] == "清单上的发动机号与车辆不符"
    assert audit("reject_documents")


def test_a_document_is_checked_like_every_photo(client, bureau, make_vehicle, app, monkeypatch):
    truck = make_vehicle(plate="晋H20303")
    not_a_picture = upload(client, bureau, truck.id, "licence_front", b"GIF89a not a picture", "x.gif")
    assert not_a_picture.status_code == 422 and "JPEG" in not_a_picture.get_json()["message"]
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", 2048)
    too_large = upload(client, bureau, truck.id, "licence_front", picture())
    assert too_large.status_code == 422 and "过大" in too_large.get_json()["message"]
    wrong_kind = upload(client, bureau, truck.id, "passport", picture())
    assert wrong_kind.status_code == 422
    assert client.get(f"/api/v1/vehicles/{truck.id}/documents", headers=bureau).get_json() == []


def test_a_firm_uploads_for_its_own_trucks_and_reviews_only_where_the_policy_says(
    client, bureau, make_vehicle, make_user
):
    firm_user, token = make_user(Role.FIRM)
    firm = {"Authorization": f"Bearer {token}"}
    own = make_vehicle(plate="晋H20304", firm_id=firm_user.firm_id)
    other = make_vehicle(plate="晋H20305", vin=None)
    assert upload(client, firm, own.id, "environmental_list", picture()).status_code == 201
    assert upload(client, firm, other.id, "environmental_list", picture()).status_code == 404  # not its truck
    assert client.get(f"/api/v1/vehicles/{other.id}/documents", headers=firm).status_code == 404
    review = {"decision": "verified", "vin": VIN, "registration_date": "2021-03-01", "emission_stage": "6"}
    assert client.post(f"/api/v1/vehicles/{own.id}/stage-review", json=review, headers=firm).status_code == 403

    [policy] = client.get("/api/v1/policies?rule=DOCUMENT_REVIEW", headers=bureau).get_json()["items"]
    assert policy["params"] == {"firms_review_own": False}
    revised = client.patch(
        f"/api/v1/policies/{policy['id']}", json={"params": {"firms_review_own": True}}, headers=bureau
    )
    assert revised.status_code == 200, revised.get_json()
    answer = client.post(f"/api/v1/vehicles/{own.id}/stage-review", json=review, headers=firm)
    assert answer.status_code == 200 and answer.get_json()["stage_source"] == "verified"


def test_police_read_documents_but_do_not_upload(client, auth, bureau, make_vehicle):
    truck = make_vehicle(plate="晋H20306")
    upload(client, bureau, truck.id, "licence_front", picture())
    police = auth(Role.POLICE)
    assert len(client.get(f"/api/v1/vehicles/{truck.id}/documents", headers=police).get_json()) == 1
    assert upload(client, police, truck.id, "licence_front", picture()).status_code == 403


def test_the_bureau_uploads_and_verifies_on_the_vehicles_page(browser_for, make_vehicle):
    from tests.support.pages import post

    truck = make_vehicle(plate="晋H20307", emission_stage="5", vin=None)
    officer, _ = browser_for(Role.BUREAU)
    assert (
        officer.get("/vehicles/documents?plate=晋h20307")
        .headers["Location"]
        .endswith(f"/vehicles/{truck.id}/documents")
    )
    assert officer.get("/vehicles/documents?plate=晋H00000").status_code == 404
    page = officer.get(f"/vehicles/{truck.id}/documents").get_data(as_text=True)
    assert "暂无证件照片" in page and 'name="environmental_list"' in page
    files = {
        "environmental_list": (io.BytesIO(picture()), "list.jpg"),
        "licence_front": (io.BytesIO(picture(seed=1)), "l.jpg"),
    }
    uploaded = post(officer, f"/vehicles/{truck.id}/documents", files, content_type="multipart/form-data")
    assert uploaded.status_code == 302
    page = officer.get(f"/vehicles/{truck.id}/documents").get_data(as_text=True)
    assert page.count("<img") == 2 and "待审核" in page
    missing = post(officer, f"/vehicles/{truck.id}/stage-review", {"emission_stage": "6", "verify": ""})
    assert missing.status_code == 422 and "核实时必填" in missing.get_data(as_text=True)
    form = {"vin": VIN, "registration_date": "2021-02-01", "emission_stage": "6", "fuel_type": "diesel", "verify": ""}
    assert post(officer, f"/vehicles/{truck.id}/stage-review", form).status_code == 302
    db.session.refresh(truck)
    assert (truck.emission_stage.value, truck.stage_source.value) == ("6", "verified")
    page = officer.get(f"/vehicles/{truck.id}/documents").get_data(as_text=True)
    assert "已核实" in page
