"""Gate cameras as they are in the field (HTTP side): firmware variants of AlarmInfoPlate, no-plate
reads, base64 ASCII plates, pictures by reference, offline backlogs, long Hikvision ids, Dahua ITC, and
delivery per gate. Fixtures are written from the vendors' field names, with keys shuffled, optional
fields left out and unknown fields added, so that nothing passes for being shaped like the parser."""

import base64
import copy
import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.cameras import alarminfoplate, dahua
from registry.events.models import PassImage, PlateEvent, PlateRead
from registry.extensions import db
from registry.gates.services import create_gate
from tests.support.pictures import real_photo

FIELD = Path(__file__).parent / "fixtures" / "field"
FIXTURES = Path(__file__).parent / "fixtures"
COLOURS = {"0": None, "1": "blue", "2": "yellow", "3": "white", "4": "black", "5": "green", "6": "yellow_green"}
DIRECTIONS = {"3": "out", "4": "in"}


@pytest.fixture
def gate(make_firm):
    firm = make_firm(name="恒盛水泥", industry="cement", performance_grade="C")
    gate, secret = create_gate(None, firm, "南门", device_sn="0670f9b9-d723fc2c")
    db.session.commit()
    return gate, {"Authorization": f"Bearer {secret}"}


def shuffled(value, rng: random.Random):
    """The same document with every object's keys in another order (cameras do not agree on one)."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


def field_fixture(name: str, seed: int = 0) -> dict:
    return shuffled(json.loads((FIELD / name).read_text(encoding="utf-8")), random.Random(seed))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def result_of(message: dict) -> dict:
    return message["payload"]["AlarmInfoPlate"]["result"]["PlateResult"]


# --- AlarmInfoPlate firmware variants ------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_r3_firmware_colour_pos_envelope_time_and_base64_ascii_plate(seed):
    message = field_fixture("vzenith_r3_ivs_result.json", seed)
    read, serial = alarminfoplate.to_read(message, COLOURS, DIRECTIONS)
    assert serial == "0670f9b9-d723fc2c"
    assert (read["plate"], read["plate_sent"]) == ("B2884SCP", "QjI4ODRTQ1A=")
    assert read["plate_color"] == "yellow"  # from `color`, not `colorType`
    assert read["plate_box"] == [812, 676, 234, 66]  # from `pos`
    assert (read["captured_at"], read["time_source"]) == ("2025-12-02T02:00:00+00:00", "envelope")
    assert read["picture_refs"] == {
        "vehicle": "/mnt/sdcard/picture/20251202/10/20251202100000_1.jpg",
        "plate": "http://oss.example-camera-cloud.cn/bucket/20251202100000_1_plate.jpg",
    }
    assert read["images"] == {}
    # no unique_id and no plateid: the id comes from the message itself, the same for every key order
    assert read["event_id"].startswith("d-")
    again, _ = alarminfoplate.to_read(field_fixture("vzenith_r3_ivs_result.json", seed + 10), COLOURS, DIRECTIONS)
    assert again["event_id"] == read["event_id"]


def test_no_time_anywhere_is_the_receivers_and_says_so():
    message = field_fixture("vzenith_r3_ivs_result.json")
    del message["timestamp"]
    before = datetime.now(UTC)
    read, _ = alarminfoplate.to_read(message, COLOURS, DIRECTIONS)
    assert read["time_source"] == "receiver"
    assert datetime.fromisoformat(read["captured_at"]) >= before - timedelta(seconds=1)
    # the id does not depend on the time of receipt: a resend is still the same event
    again, _ = alarminfoplate.to_read(copy.deepcopy(message), COLOURS, DIRECTIONS)
    assert again["event_id"] == read["event_id"]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("plate", ["晋H20001", "京AD12345", "B2884SCP", "_无_"])
def test_base64_plates_in_either_encoding(plate, encoding):
    sent = base64.b64encode(plate.encode(encoding)).decode()
    assert alarminfoplate.plate_text(sent) == (plate, sent)


@pytest.mark.parametrize("text", ["晋H20001", "B2884SCP", "ABCD", "unknown"])
def test_plain_plates_are_not_mistaken_for_base64(text):
    assert alarminfoplate.plate_text(text) == (text, None)


def test_topic_layouts_and_their_down_topics():
    for topic, down in (
        ("device/0670f9b9-d723fc2c/message/up/ivs_result", "device/0670f9b9-d723fc2c/message/down/gpio_out"),
        ("0670f9b9-d723fc2c/device/message/up/ivs_result", "0670f9b9-d723fc2c/device/message/down/gpio_out"),
    ):
        parsed = alarminfoplate.parse_topic(topic)
        assert (parsed.serial, parsed.way, parsed.name) == ("0670f9b9-d723fc2c", "up", "ivs_result")
        assert parsed.down("gpio_out") == down
    assert alarminfoplate.parse_topic("gates/G1/events") is None


def _http_push(plate: str, plateid: int | None, when: datetime, **result) -> dict:
    """An AlarmInfoPlate HTTP push as the vendor documents it, optional fields left out at random."""
    rng = random.Random(plateid or 0)
    plate_result = {
        "license": plate,
        "colorType": 2,
        "confidence": 95,
        "direction": 4,
        "timeStamp": {"Timeval": {"sec": int(when.timestamp()), "usec": rng.choice([0, 250000])}},
        "triggerType": 8,
        "vendorExtension": {"x": 1},
    } | result
    if plateid is not None:
        plate_result["plateid"] = plateid
    if rng.random() < 0.5:
        plate_result.pop("confidence")
    return shuffled({"AlarmInfoPlate": {"serialno": "0670f9b9-d723fc2c", "result": {"PlateResult": plate_result}}}, rng)


def post_aip(client, gate, body):
    return client.post(f"/api/v1/gates/{gate[0].code}/alarm-info-plate", json=body, headers=gate[1])


def test_no_plate_reads_are_their_own_kind_never_merged_and_filterable(client, gate, auth):
    now = datetime.now(UTC).replace(microsecond=0)
    answers = [post_aip(client, gate, _http_push("_无_", 700 + i, now + timedelta(seconds=i))) for i in range(3)]
    for answer in answers:
        body = answer.get_json()["Response_AlarmInfoPlate"]
        assert body["info"] == "no" and body["content"].startswith("无牌车"), body  # review: barrier closed
    passes = db.session.scalars(select(PlateEvent).order_by(PlateEvent.id)).all()
    assert len(passes) == 3 and all(p.plate == "" and p.read_count == 1 for p in passes)  # never merged
    assert all("UNKN0WN" not in p.plate_raw for p in passes)
    reads = db.session.scalars(select(PlateRead)).all()
    assert {r.plate_sent for r in reads} == {"_无_"}
    assert {p.verdict.decision.value for p in passes} == {"review"}
    assert passes[0].verdict.findings[0]["rule"] == "NO_PLATE"
    headers = auth("police")
    listed = client.get("/api/v1/events?no_plate=true", headers=headers).get_json()
    assert listed["total"] == 3 and all(i["no_plate"] and i["plate"] is None for i in listed["items"])
    assert client.get("/api/v1/events?no_plate=false", headers=headers).get_json()["total"] == 0
    violations = client.get("/api/v1/violations?no_plate=true", headers=headers).get_json()
    assert violations["total"] == 3 and {v["rule"] for v in violations["items"]} == {"NO_PLATE"}


def test_no_plate_policy_is_data(client, gate, auth):
    admin = auth("admin")
    listed = client.get("/api/v1/policies?rule=NO_PLATE", headers=admin).get_json()
    policy = next(p for p in (listed.get("items") or listed) if p["rule"] == "NO_PLATE")
    changed = client.patch(f"/api/v1/policies/{policy['id']}", json={"params": {"severity": "deny"}}, headers=admin)
    assert changed.status_code in (200, 201), changed.get_json()
    db.session.expire_all()
    answer = post_aip(client, gate, _http_push("无牌车", 900, datetime.now(UTC)))
    assert answer.get_json()["Response_AlarmInfoPlate"]["info"] == "no"
    assert db.session.scalars(select(PlateEvent)).one().verdict.decision.value == "deny"


def test_pictures_by_reference_are_kept_as_evidence(client, gate, auth):
    message = field_fixture("vzenith_r3_ivs_result.json")
    message["timestamp"] = int(datetime.now(UTC).timestamp())
    body = message["payload"]  # the HTTP push is the envelope's payload
    assert post_aip(client, gate, body).status_code == 200
    plate_event = db.session.scalars(select(PlateEvent)).one()
    assert plate_event.time_source == "receiver"  # the HTTP push carried no time at all
    refs = {i.kind: i.reference for i in plate_event.images}
    assert refs["plate"].startswith("http://oss.example-camera-cloud.cn/")
    shown = client.get(f"/api/v1/events/{plate_event.id}", headers=auth("police")).get_json()
    assert {i["reference"] for i in shown["images"]} == set(refs.values())
    assert not any(i["fetched"] for i in shown["images"])


def test_offline_backlog_of_300_is_answered_continue_and_stored_in_full(client, gate, app):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    plates = ["晋H20001", "晋H20002", "晋H20003"]
    for i in range(300):
        push = _http_push(plates[i % 3], 5000 + i, start + timedelta(minutes=7 * i), isoffline=1)
        answer = post_aip(client, gate, push)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()["Response_AlarmInfoPlate"]
        assert body["ContinuePushOffline"] == {"plateid": 5000 + i, "continue": 1}
        assert "info" not in body  # history lifts no barrier
    assert count(PlateRead, PlateRead.backlog) == 300
    assert count(PlateEvent) == 300  # 7 minutes apart: none within the merge window
    first = db.session.scalars(select(PlateEvent).order_by(PlateEvent.captured_at)).first()
    assert first.captured_at == start and first.time_source == "camera"  # its own capture time
    # the camera resends its whole backlog: every record recognised as a resend
    for i in range(0, 300, 7):
        push = _http_push(plates[i % 3], 5000 + i, start + timedelta(minutes=7 * i), isoffline=1)
        assert post_aip(client, gate, push).status_code == 200
    assert count(PlateRead) == 300


def test_delivery_rate_from_gaps_in_the_cameras_numbers(client, gate, auth):
    day = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)  # 10:00 in China
    numbers = [n for n in range(1, 101) if n % 10 != 0]  # every tenth record lost: 90 of 100
    for n in numbers:
        assert post_aip(client, gate, _http_push(f"晋H3{n:04d}", n, day + timedelta(minutes=n))).status_code == 200
    local_day = (day + timedelta(hours=8)).date().isoformat()
    rows = client.get(f"/api/v1/gates/delivery?from={local_day}&to={local_day}", headers=auth("admin")).get_json()
    row = next(r for r in rows if r["gate"] == gate[0].code)
    assert (row["reads"], row["numbered"], row["missing"]) == (90, 90, 9)  # 100 at the end is not a gap yet
    assert row["rate"] == pytest.approx(90 / 99) and row["below_target"] and not row["silent"]
    # the lost records arrive from the camera's offline store: the gaps close
    for n in range(10, 100, 10):
        push = _http_push(f"晋H3{n:04d}", n, day + timedelta(minutes=n), isoffline=1)
        assert post_aip(client, gate, push).status_code == 200
    row = next(
        r
        for r in client.get(f"/api/v1/gates/delivery?from={local_day}&to={local_day}", headers=auth("admin")).get_json()
        if r["gate"] == gate[0].code
    )
    assert (row["missing"], row["rate"], row["below_target"]) == (0, 1.0, False)


def test_a_closed_days_delivery_is_kept_by_the_daily_job_and_counted_again_for_late_backlogs(
    app, client, gate, auth, runner
):
    """A week ago: counted by `flask statistics delivery`, the report reads the kept day (the reads are
    not read again); a backlog that arrives later closes its gaps once the job counts the day again."""
    from registry.common.time import today_local
    from registry.gates.delivery import delivery
    from registry.statistics.models import DailyDelivery

    day = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0) - timedelta(days=7)
    for n in [n for n in range(1, 51) if n % 5 != 0]:  # every fifth lost: 40 of 50
        assert post_aip(client, gate, _http_push(f"晋H4{n:04d}", n, day + timedelta(minutes=n))).status_code == 200
    local_day = (day + timedelta(hours=8)).date()

    def report() -> dict:
        url = f"/api/v1/gates/delivery?from={local_day}&to={local_day}"
        return next(r for r in client.get(url, headers=auth("admin")).get_json() if r["gate"] == gate[0].code)

    live = report()
    assert (live["reads"], live["missing"]) == (40, 9)
    counted = runner.invoke(args=["statistics", "delivery", "--days", "10"])
    assert counted.exit_code == 0, counted.output
    kept = db.session.get(DailyDelivery, (local_day, gate[0].id))
    assert (kept.reads, kept.numbered, kept.missing) == (40, 40, 9)
    kept.reads = 39  # what the report shows now comes from the kept row
    db.session.commit()
    assert report()["reads"] == 39
    for n in range(5, 50, 5):  # the camera's offline store arrives
        assert (
            post_aip(client, gate, _http_push(f"晋H4{n:04d}", n, day + timedelta(minutes=n), isoffline=1)).status_code
            == 200
        )
    assert runner.invoke(args=["statistics", "delivery", "--days", "10"]).exit_code == 0
    assert (report()["reads"], report()["missing"], report()["rate"]) == (49, 0, 1.0)
    with app.test_request_context():  # today is never kept: its backlogs are still arriving
        assert db.session.get(DailyDelivery, (today_local(), gate[0].id)) is None
        assert delivery(local_day, local_day, 0.95, [gate[0].code])[0].reads == 49


# --- Hikvision: long event ids, no plate, heartbeats ------------------------------------------------


@pytest.mark.parametrize("length", [63, 64, 100, 128, 200, 1000])
def test_hikvision_event_ids_of_real_lengths_are_stored_and_resends_recognised(client, gate, length):
    xml = (FIXTURES / "hikvision_anpr.xml").read_text(encoding="utf-8")
    event_id = ("4d1b7e2c-5c1f-4b8e-9a3e-2f6d8c0b1a11" * 30)[:length]
    xml = xml.replace("4d1b7e2c-5c1f-4b8e-9a3e-2f6d8c0b1a11", event_id)
    url = f"/api/v1/gates/{gate[0].code}/isapi"
    first = client.post(url, data=xml.encode(), headers=gate[1], content_type="application/xml")
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["event_id"] == event_id and first.get_json()["outcome"] == "created"
    again = client.post(url, data=xml.encode(), headers=gate[1], content_type="application/xml")
    assert again.get_json()["outcome"] == "duplicate"
    stored = db.session.scalars(select(PlateEvent)).one().event_id
    assert stored == event_id if length <= 128 else stored.startswith("sha256:")


def test_hikvision_no_plate_and_heartbeat(client, gate):
    xml = (FIXTURES / "hikvision_anpr.xml").read_text(encoding="utf-8").replace("黄晋H20001", "无车牌")
    url = f"/api/v1/gates/{gate[0].code}/isapi"
    answer = client.post(url, data=xml.encode(), headers=gate[1], content_type="application/xml").get_json()
    assert answer["no_plate"] and answer["plate"] is None and answer["decision"] == "review"
    heartbeat = b'<EventNotificationAlert version="2.0"><eventType>heartBeat</eventType></EventNotificationAlert>'
    assert client.post(url, data=heartbeat, headers=gate[1], content_type="application/xml").status_code == 200
    db.session.expire_all()
    assert gate[0].last_seen_at is not None


# --- Dahua ITC ------------------------------------------------------------------------------------


def _dahua_settings(app):
    return {key: app.config[key] for key in ("TIMEZONE", "DAHUA_DIRECTIONS", "DAHUA_UTC_IS_LOCAL")}


def test_dahua_itsapi_maps_every_field(app):
    read, kind = dahua.to_read(field_fixture("dahua_itsapi.json", 3), {}, _dahua_settings(app))
    assert kind == "itsapi"
    assert (read["plate"], read["plate_color"], read["direction"], read["lane"]) == ("晋H20001", "yellow", "in", "1")
    assert read["captured_at"] == "2026-12-02T09:15:31.250000+08:00" and read["confidence"] == 0.88
    assert read["plate_box"] == [810, 670, 240, 70] and set(read["images"]) == {"plate", "vehicle"}


def test_dahua_utc_is_the_local_clock_unless_real_utc_says(app):
    settings = _dahua_settings(app)
    event = field_fixture("dahua_trafficjunction.json", 4)
    read, kind = dahua.to_read(event, {}, settings)
    assert kind == "event" and read["captured_at"] == "2026-12-02T06:34:55+00:00"  # RealUTC
    data = event["params"]["eventList"][0]["Data"]
    del data["RealUTC"], data["LocaleTime"]
    read, _ = dahua.to_read(event, {}, settings)
    assert datetime.fromisoformat(read["captured_at"]) == datetime(2026, 12, 2, 6, 34, 55, 305000, tzinfo=UTC)
    assert read["event_id"] == "1796222095-175706653-516"
    assert (read["plate"], read["plate_color"], read["lane"]) == ("晋H20001", "yellow", "2")


def test_dahua_http_uploads_json_and_text_with_jpeg_parts(client, gate):
    url = f"/api/v1/gates/{gate[0].code}/dahua/NotificationInfo/TollgateInfo"
    upload = field_fixture("dahua_itsapi.json", 5)
    upload["Picture"]["CutoutPic"]["Content"] = base64.b64encode(real_photo("yellow", "plate_crop")).decode()
    upload["Picture"]["NormalPic"]["Content"] = base64.b64encode(real_photo("yellow", "whole_vehicle")).decode()
    first = client.post(url, json=upload, headers=gate[1])
    assert first.status_code == 200 and first.get_json()["Result"] is True, first.get_json()
    assert client.post(url, json=upload, headers=gate[1]).get_json()["Result"] is True  # resend
    assert count(PlateRead) == 1 and count(PassImage, PassImage.valid) == 2

    lines = "\r\n".join(
        [
            "Events[0].EventBaseInfo.Code=TrafficJunction",
            "Events[0].TrafficCar.PlateNumber=晋H20002",
            "Events[0].TrafficCar.PlateColor=Yellow",
            "Events[0].TrafficCar.Lane=3",
            "Events[0].TrafficCar.Direction=Reverse",
            "Events[0].GroupID=99",
            "Events[0].EventID=7",
            "Events[0].RealUTC=" + str(int(datetime.now(UTC).timestamp())),
        ]
    )
    multipart = {
        "event": (io.BytesIO(lines.encode()), "event.txt", "text/plain"),
        "plate.jpg": (io.BytesIO(real_photo("yellow", "plate_crop")), "plate.jpg", "image/jpeg"),
    }
    second = client.post(f"/api/v1/gates/{gate[0].code}/dahua", data=multipart, headers=gate[1])
    assert second.status_code == 200, second.get_json()
    stored = db.session.scalars(select(PlateEvent).where(PlateEvent.plate == "晋H20002")).one()
    assert (stored.direction.value, stored.lane) == ("out", "3") and len(stored.images) == 1
    keep_alive = client.post(f"/api/v1/gates/{gate[0].code}/dahua/NotificationInfo/KeepAlive", json={}, headers=gate[1])
    assert keep_alive.get_json()["Result"] is True
    assert client.post(url, json={"Picture": "x"}, headers=gate[1]).status_code == 422
    assert client.post(url, json=upload).status_code == 401


# --- the picture fetcher ---------------------------------------------------------------------------


class _PictureServer:
    """A real HTTP server with a picture, a redirect off the allow-list, and one that is too large."""

    def __init__(self, picture: bytes):
        import http.server
        import threading

        calls = self.calls = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # the standard library names it so
                calls.append(self.path)
                if self.path == "/plate.jpg" or self.path.startswith("/bucket/"):
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.end_headers()
                    self.wfile.write(picture)
                elif self.path == "/away":
                    self.send_response(302)
                    self.send_header("Location", "http://127.0.0.2:9/steal")
                    self.end_headers()
                else:
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"\xff" * (64 * 1024))

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_fetcher_downloads_only_from_listed_hosts_with_limits(client, gate, app, monkeypatch):
    from registry.events.fetching import fetch_pending

    server = _PictureServer(real_photo("yellow", "plate_crop"))
    try:
        base = f"http://127.0.0.1:{server.port}"
        refs = {
            "ok": f"{base}/plate.jpg",
            "redirected": f"{base}/away",
            "large": f"{base}/large.jpg",
            "unlisted": "http://10.0.0.1/plate.jpg",
            "file": "file:///etc/passwd",
        }
        now = datetime.now(UTC)
        for i, ref in enumerate(refs.values()):
            assert (
                post_aip(client, gate, _http_push(f"晋H4000{i}", 800 + i, now, imageFragmentPath=ref)).status_code
                == 200
            )
        assert fetch_pending() == 0  # off by default: nothing is called
        assert server.calls == []
        monkeypatch.setitem(app.config, "PICTURE_FETCH_HOSTS", ["127.0.0.1"])
        monkeypatch.setitem(app.config, "OUTBOUND_PRIVATE_HOSTS", ["127.0.0.1"])  # the test's server is local
        monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", 32 * 1024)
        for _ in range(app.config["PICTURE_FETCH_ATTEMPTS"] + 1):
            fetch_pending()
            db.session.commit()
        images = {i.reference: i for i in db.session.scalars(select(PassImage))}
        fetched = images[refs["ok"]]
        assert fetched.valid and fetched.sha256 and fetched.width > 0
        for name in ("redirected", "large", "unlisted", "file"):
            image = images[refs[name]]
            assert not image.valid and image.sha256 is None and image.error, name
        assert "/steal" not in "".join(server.calls)  # the redirect off the list was never followed
        assert server.calls.count("/plate.jpg") == 1  # stored once, never fetched again
        assert server.calls.count("/large.jpg") == app.config["PICTURE_FETCH_ATTEMPTS"]  # retried, then given up
    finally:
        server.close()


def test_every_kind_of_resend_is_recognised(client, gate):
    """The R3 payload (no ids at all), a TrafficJunction event and an ITSAPI upload, each sent twice
    with its keys in another order: one read each."""
    now = int(datetime.now(UTC).timestamp())
    r3 = field_fixture("vzenith_r3_ivs_result.json")
    r3["timestamp"] = now
    result_of(r3)["timeStamp"] = {"Timeval": {"sec": now}}
    event = field_fixture("dahua_trafficjunction.json")
    data = event["params"]["eventList"][0]["Data"]
    data["RealUTC"], data["UTC"] = now, now + 8 * 3600
    del data["LocaleTime"]
    sends = [
        (f"/api/v1/gates/{gate[0].code}/alarm-info-plate", r3["payload"]),
        (f"/api/v1/gates/{gate[0].code}/dahua", event),
        (f"/api/v1/gates/{gate[0].code}/dahua", field_fixture("dahua_itsapi.json") | {"Extra": 1}),
    ]
    for seed in (1, 2):
        for url, body in sends:
            answer = client.post(url, json=shuffled(body, random.Random(seed)), headers=gate[1])
            assert answer.status_code == 200, answer.get_json()
    assert count(PlateRead) == 3
    # the ITSAPI fixture's picture fields hold no picture: kept as invalid pictures, the pass stored
    assert count(PassImage, PassImage.valid.is_(False), PassImage.error.is_not(None)) == 2


def test_a_result_without_a_license_is_refused_not_taken_for_a_vehicle_without_a_plate(client, gate):
    push = _http_push("晋H20001", 1, datetime.now(UTC))
    del push["AlarmInfoPlate"]["result"]["PlateResult"]["license"]
    answer = post_aip(client, gate, push)
    assert answer.status_code == 422 and "license" in answer.get_json()["message"]
    empty = _http_push("", 2, datetime.now(UTC))  # an empty license: the camera saw no plate
    assert post_aip(client, gate, empty).get_json()["Response_AlarmInfoPlate"]["content"].startswith("无牌车")
    assert count(PlateEvent) == 1


def test_a_picture_sent_as_an_object_key_is_kept_as_a_reference_and_fetched_under_the_base(
    client, gate, app, monkeypatch
):
    """Some AlarmInfoPlate integrations send `imagePath` as a key in the camera's storage, relative to no
    host (picture/0/<serial>/20220228/23/x.jpg): a reference, never taken for base64."""
    from registry.events.fetching import fetch_pending

    key = "picture/0/0670f9b9-d723fc2c/20220228/23/20220228231507_1.jpg"
    message = field_fixture("vzenith_r3_ivs_result.json")
    result_of(message)["imagePath"] = key
    read, _ = alarminfoplate.to_read(message, COLOURS, DIRECTIONS)
    assert read["picture_refs"]["vehicle"] == key and "vehicle" not in read["images"]
    server = _PictureServer(real_photo("yellow", "plate_crop"))
    try:
        now = datetime.now(UTC)
        assert post_aip(client, gate, _http_push("晋H40077", 877, now, imagePath=key)).status_code == 200
        [image] = db.session.scalars(select(PassImage).where(PassImage.reference == key)).all()
        assert image.sha256 is None and not image.valid  # kept as the address it is
        monkeypatch.setitem(app.config, "PICTURE_FETCH_HOSTS", ["127.0.0.1"])
        monkeypatch.setitem(app.config, "OUTBOUND_PRIVATE_HOSTS", ["127.0.0.1"])  # the test's server is local
        monkeypatch.setitem(app.config, "PICTURE_FETCH_BASE_URL", f"http://127.0.0.1:{server.port}/bucket")
        assert fetch_pending() == 1
        db.session.commit()
        db.session.refresh(image)
        assert image.valid and image.sha256 and server.calls == [f"/bucket/{key}"]
    finally:
        server.close()
