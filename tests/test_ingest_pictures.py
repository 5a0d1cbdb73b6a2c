"""Pictures in the ingest path: analysed before the verdict only when the rules need it, the rest soon
after; a bad picture never costs the pass; the evidence picture and thumbnails."""

import base64

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from registry.cases.models import Case
from registry.events.models import PassImage, PlateEvent, Violation
from registry.events.pictures import analyse_pending
from registry.extensions import db
from registry.gates.services import create_gate
from tests.support.pictures import labelled, real_photo

VEHICLE_PHOTO = "easypr/resources/image/general_test/浙B7C289.jpg"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def gate(make_firm):
    firm = make_firm(name="华电热电", industry="power", in_planning_area=True, annual_freight_tonnes=2_400_000)
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    return gate, {"Authorization": f"Bearer {secret}"}


def post(client, gate, plate, images, event_id="p-1", colour="yellow", **extra):
    body = {
        "event_id": event_id,
        "plate": plate,
        "plate_color": colour,
        "direction": "in",
        "captured_at": "2022-05-01T10:00:00+08:00",
        "confidence": 0.9,
        "images": images,
    } | extra
    answer = client.post(f"/api/v1/gates/{gate[0].code}/events", json=body, headers=gate[1])
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def images_of(pass_id) -> list[PassImage]:
    return db.session.scalars(select(PassImage).where(PassImage.plate_event_id == pass_id).order_by(PassImage.id)).all()


def colour_questions(pass_id) -> list[Violation]:
    query = select(Violation).where(Violation.plate_event_id == pass_id, Violation.rule == "PICTURE_COLOUR")
    return db.session.scalars(query).all()


def test_the_camera_colour_decides_and_the_case_carries_the_pictures_colour(client, gate):
    # The camera says yellow (a truck, in scope); the picture is a blue plate the analysis reads as blue
    # with high confidence. The gate goes by the camera: an unregistered truck, reviewed.
    answer = post(client, gate, "晋H77777", {"plate": b64(real_photo("blue", "plate_crop"))}, colour="yellow")
    assert answer["decision"] == "review"
    assert {f["rule"] for f in answer["findings"]} == {"UNREGISTERED_VEHICLE"}
    assert analyse_pending() == 1  # off the gate's path: the decision did not rest on the picture
    [image] = images_of(answer["id"])
    assert image.colour == "blue" and image.colour_confidence >= 0.8
    [question] = colour_questions(answer["id"])
    assert question.severity.value == "review" and question.status.value == "open"
    assert question.finding["detail"] == {
        "camera_colour": "yellow",
        "measured_colour": "blue",
        "confidence": round(image.colour_confidence, 3),
        "decided_by": "camera",
    }
    case = db.session.get(Case, answer["id"])
    # (the picture's text is another plate's, so 号牌复核 asks too)
    assert case.rule_codes[:2] == ["UNREGISTERED_VEHICLE", "PICTURE_COLOUR"] and case.decision.value == "review"
    verdict = db.session.get(PlateEvent, answer["id"]).verdict
    assert verdict.decision.value == "review" and all(f["rule"] != "PICTURE_COLOUR" for f in verdict.findings)
    assert analyse_pending() == 0 and len(colour_questions(answer["id"])) == 1  # asked once


def test_a_picture_analysed_at_the_gate_raises_its_colour_question_at_once(client, gate, make_vehicle):
    # China V at a power plant in the planning area: a deny, so the picture is measured before the answer
    # (its quality); its colour disagrees with the camera's and the case says so in the same transaction.
    make_vehicle(plate="晋H20001", emission_stage="5")
    answer = post(client, gate, "晋H20001", {"plate": b64(real_photo("blue", "plate_crop"))}, colour="yellow")
    assert answer["decision"] == "deny"
    assert [f["rule"] for f in answer["findings"]] == ["FREIGHT_STAGE", "CLEAN_TRANSPORT"]
    [question] = colour_questions(answer["id"])
    assert question.finding["detail"]["measured_colour"] == "blue"
    assert db.session.get(Case, answer["id"]).rule_codes == ["FREIGHT_STAGE", "CLEAN_TRANSPORT", "PICTURE_COLOUR"]
    analyse_pending()  # the text read later does not ask the colour again
    assert len(colour_questions(answer["id"])) == 1


def test_a_registered_new_energy_truck_whose_picture_shows_yellow_passes_and_is_asked_about(client, gate, make_vehicle):
    make_vehicle(plate="晋H00018D", plate_color="yellow_green", emission_stage="D", fuel_type="electric")
    answer = post(client, gate, "晋H00018D", {"plate": b64(real_photo("yellow", "plate_crop"))}, colour="yellow_green")
    assert answer["decision"] == "pass" and answer["findings"] == []
    analyse_pending()
    [question] = colour_questions(answer["id"])
    assert question.finding["detail"]["camera_colour"] == "yellow_green"
    plate_event = db.session.get(PlateEvent, answer["id"])
    assert plate_event.measured_colour == "yellow" and plate_event.colour_disagrees is True


def test_a_registered_truck_that_passes_does_not_wait_for_the_analysis(client, gate, make_vehicle):
    make_vehicle(plate="晋H60001", emission_stage="6")
    answer = post(client, gate, "晋H60001", {"vehicle": b64(labelled(VEHICLE_PHOTO))})
    assert answer["decision"] == "pass"
    [image] = images_of(answer["id"])
    assert image.analysed_at is None  # later, off the gate's path
    assert analyse_pending() >= 1
    db.session.refresh(image)
    assert image.analysed_at is not None and image.colour == "blue" and image.plate_box
    assert db.session.get(PlateEvent, answer["id"]).measured_colour == "blue"


def test_a_deny_on_a_blurred_picture_becomes_a_review(client, gate, make_vehicle):
    make_vehicle(plate="晋H20001", emission_stage="5")
    crop = cv2.imdecode(np.frombuffer(real_photo("yellow", "plate_crop"), np.uint8), cv2.IMREAD_COLOR)
    blurred = cv2.imencode(".jpg", cv2.GaussianBlur(crop, (0, 0), crop.shape[0] / 8))[1].tobytes()
    sharp = post(client, gate, "晋H20001", {"plate": b64(real_photo("yellow", "plate_crop"))}, event_id="sharp")
    assert sharp["decision"] == "deny"
    poor = post(
        client, gate, "晋H20001", {"plate": b64(blurred)}, event_id="blurred", captured_at="2022-05-02T10:00:00+08:00"
    )
    assert poor["decision"] == "review"
    quality = next(f for f in poor["findings"] if f["rule"] == "PICTURE_QUALITY")
    assert "图片模糊" in quality["message_zh"] and "禁止通行改为人工复核" in quality["message_zh"]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (b"not a picture at all", "只接受 JPEG 或 PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40, "JPEG"),  # truncated
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + (50000).to_bytes(4, "big") * 2 + b"\x08\x02", "图片尺寸不可接受"),
    ],
)
def test_a_bad_picture_is_kept_as_invalid_and_the_pass_is_stored(client, gate, make_vehicle, bad, reason):
    make_vehicle(plate="晋H20001", emission_stage="5")  # denied: its picture is measured at the gate
    answer = post(client, gate, "晋H20001", {"plate": b64(bad), "vehicle": b64(labelled(VEHICLE_PHOTO))})
    plate_image, vehicle_image = images_of(answer["id"])
    assert plate_image.valid is False and reason in plate_image.error
    assert vehicle_image.valid is True and vehicle_image.analysed_at is not None  # the good one was used


def test_an_oversize_picture_is_kept_as_invalid(app, client, gate):
    big = real_photo("blue", "plate_crop")
    app.config["MAX_IMAGE_BYTES"], saved = len(big) - 1, app.config["MAX_IMAGE_BYTES"]
    try:
        answer = post(client, gate, "晋H77777", {"plate": b64(big)})
    finally:
        app.config["MAX_IMAGE_BYTES"] = saved
    [image] = images_of(answer["id"])
    assert image.valid is False and "图片过大" in image.error


def test_the_camera_rectangle_is_used_for_the_vehicle_photo(client, gate, make_vehicle):
    make_vehicle(plate="晋H20001", emission_stage="5")  # denied: its picture is measured at the gate
    answer = post(client, gate, "晋H20001", {"vehicle": b64(labelled(VEHICLE_PHOTO))}, plate_box=[1123, 762, 152, 39])
    [image] = images_of(answer["id"])
    assert image.plate_box == [1123, 762, 152, 39] and image.colour == "blue"


def test_evidence_picture_and_thumbnails(client, gate, bureau):
    answer = post(client, gate, "晋H77777", {"vehicle": b64(labelled(VEHICLE_PHOTO))})
    evidence = client.get(f"/api/v1/events/{answer['id']}/evidence.jpg", headers=bureau)
    assert evidence.status_code == 200 and evidence.mimetype == "image/jpeg"
    picture = cv2.imdecode(np.frombuffer(evidence.data, np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape[1] == 1280  # scaled for the page, with the banner under it
    analyse_pending()
    [image] = client.get(f"/api/v1/events/{answer['id']}", headers=bureau).get_json()["images"]
    image_id = images_of(answer["id"])[0].id
    with client.get(f"/api/v1/events/{answer['id']}/images/{image_id}?thumbnail=true", headers=bureau) as small:
        thumb = cv2.imdecode(np.frombuffer(small.data, np.uint8), cv2.IMREAD_COLOR)
        assert max(thumb.shape[:2]) == 320
    assert image["colour"] == "blue"


def test_the_gateway_worker_analyses_waiting_pictures_when_idle_and_then_rests(app, client, gate, make_vehicle):
    from gateway.consumer import Store

    make_vehicle(plate="晋H60001", emission_stage="6")
    answer = post(client, gate, "晋H60001", {"vehicle": b64(labelled(VEHICLE_PHOTO))})
    store = Store(app)
    assert store.analyse_pending() == 1
    assert store.analyse_pending() == 0  # nothing left: the next look waits a while
    assert store.analysis_due > 0
    [image] = images_of(answer["id"])
    db.session.refresh(image)
    assert image.colour == "blue"
