"""Writers at once on one database: camera pushes over HTTP while the gateway's store writes batches
and its background picture analysis writes results. On SQLite (the embedded default) they wait for
each other (WAL, BEGIN IMMEDIATE, a busy timeout, short write transactions): no push is refused."""

import base64
import json
import threading
from datetime import UTC, datetime

import cv2
import numpy as np

from gateway.consumer import Inbound, Store
from registry import create_app
from registry.config import Config
from registry.extensions import db


def picture() -> str:
    image = np.full((120, 400, 3), (200, 120, 30), np.uint8)
    cv2.putText(image, "H 12345", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 4)
    return base64.b64encode(cv2.imencode(".jpg", image)[1].tobytes()).decode()


def read(event_id: str, plate: str, direction: str, with_picture: bool) -> dict:
    """A read now; with a picture the store keeps and the analysis measures later."""
    images = {"vehicle" if direction == "in" else "plate": picture()} if with_picture else {}
    return {
        "event_id": event_id,
        "plate": plate,
        "direction": direction,
        "captured_at": datetime.now(UTC).isoformat(),
    } | {"images": images}


def app_on(url: str, folder) -> object:
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": Config({"DATABASE_URL": url}).SQLALCHEMY_DATABASE_URI,
            "IMAGE_DIR": str(folder / "images"),
        }
    )


def test_http_pushes_and_the_gateway_write_at_once_and_none_is_refused(live_district, tmp_path):
    district = live_district
    web, worker = app_on(district.url, tmp_path), app_on(district.url, tmp_path)
    code, secret = district.gate, district.gate_secrets[district.gate]
    store, done, failures = Store(worker), threading.Event(), []
    assert store.prepare(threading.Event())

    def gateway_writes():
        batch = 0
        while not done.is_set():
            batch += 1
            messages = []
            for n in range(40):
                body = read(f"mqtt-{batch}-{n}", f"晋H{(batch * 40 + n) % 100_000:05d}", "in", n % 10 == 0)
                messages.append(Inbound(f"gates/{code}/events", json.dumps(body).encode(), n, 1, 1))
            try:
                store.process(messages)
                store.analysis_due = 0  # analyse now: its writes too must meet the pushes
                store.analyse_pending()
            except Exception as exc:  # the test reports it
                failures.append(exc)

    writer = threading.Thread(target=gateway_writes)
    writer.start()
    statuses = []
    try:
        client = web.test_client()
        for n in range(60):
            body = read(f"http-{n}", f"晋H{n:05d}", "out", n % 5 == 0)
            answer = client.post(
                f"/api/v1/gates/{code}/events", json=body, headers={"Authorization": f"Bearer {secret}"}
            )
            statuses.append(answer.status_code)
    finally:
        done.set()
        writer.join(timeout=60)
        for each in (web, worker):  # their pooled connections close now, not when collected
            with each.app_context():
                db.engine.dispose()
    assert failures == []
    assert [s for s in statuses if s not in (200, 201)] == []
    assert district.scalar("SELECT count(*) FROM plate_reads WHERE source = 'http'") == 60
    assert district.scalar("SELECT count(*) FROM plate_reads WHERE source = 'mqtt'") >= 40
