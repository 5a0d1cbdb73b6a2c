"""Play the demo district's roadside live against the registry, as the field does: the remote-sensing
station pushes a result for each truck that passes it (now and then one over its opacity limit, or measured
in too strong a wind), the black-smoke camera a capture now and then (待审核 until a person reviews it),
and the checkpoint cameras their plate reads in the gates' own format, local and transit trucks alike (a
transit China IV truck at night becomes a police case). Each with its own secret, over HTTP, as a real
station or camera does.

    .venv/bin/python scripts/simulate_roadside.py                  # until Ctrl-C, every 20 s or so
    .venv/bin/python scripts/simulate_roadside.py --once           # one round, then stop

The secrets come from the demo's credentials file (instance/demo-credentials.json, `roadside_secrets`);
`make run` starts it."""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import random
import signal
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry.demo.pictures import plate_jpeg, truck_picture

log = logging.getLogger("simulate_roadside")
ROOT = Path(__file__).resolve().parent.parent
LOCAL = ["晋H10001", "晋H10002", "晋H20001", "晋H20003", "晋H30001", "晋H50001"]
TRANSIT = ["冀A40004", "豫A30003", "冀F12345", "晋A88888"]
TIMEOUT = 10


def sensing_result(plate: str, rng: random.Random) -> dict:
    opacity = rng.choice([rng.uniform(3, 18)] * 5 + [rng.uniform(31, 48)])
    return {
        "measured_at": datetime.now(UTC).isoformat(), "lane": str(rng.randint(1, 2)), "plate": plate,
        "plate_color": "黄", "fuel": "柴油", "speed_kmh": round(rng.uniform(25, 60), 1),
        "acceleration": round(rng.uniform(-0.2, 0.8), 2), "wind_speed": round(rng.choice([1.2, 2.0, 3.1, 6.4]), 1),
        "temperature": 3.5, "humidity": 42, "pressure": 92.4, "opacity": round(opacity, 1),
        "no_ppm": round(rng.uniform(200, 1400)), "co2_percent": 7.9, "ringelmann": 2 if opacity > 30 else 0,
        "station_valid": True,
    }  # fmt: skip


def smoke_capture(plate: str, rng: random.Random) -> dict:
    return {
        "captured_at": datetime.now(UTC).isoformat(), "lane": "1", "plate": plate, "plate_color": "黄",
        "vehicle_type": "重型货车", "grade": rng.randint(2, 4), "threshold": 1,
        "pictures": {"plate": base64.b64encode(plate_jpeg(plate, "yellow")).decode(),
                     "smoke": base64.b64encode(truck_picture(plate, "yellow", uuid.uuid4().hex)).decode()},
    }  # fmt: skip


def checkpoint_read(plate: str) -> dict:
    return {
        "event_id": "kk-" + uuid.uuid4().hex[:24], "plate": plate, "plate_color": "yellow", "direction": "in",
        "captured_at": datetime.now(UTC).isoformat(), "confidence": 0.94, "lane": "1",
        "images": {"plate": base64.b64encode(plate_jpeg(plate, "yellow")).decode()},
    }  # fmt: skip


def send(session: requests.Session, url: str, secret: str, body: dict) -> None:
    try:
        answer = session.post(url, json=body, headers={"Authorization": f"Bearer {secret}"}, timeout=TIMEOUT)
        log.info("%s %s", answer.status_code, url.rsplit("/", 2)[-2])
    except requests.RequestException as exc:  # the registry restarting: the next round sends again
        log.warning("not sent (%s): %s", url, exc)


def one_round(session: requests.Session, base: str, secrets: dict, rng: random.Random) -> None:
    for code, secret in secrets.items():
        if code.startswith("YG"):
            send(
                session,
                f"{base}/api/v1/stations/{code}/results",
                secret,
                sensing_result(rng.choice(LOCAL + TRANSIT), rng),
            )
        elif code.startswith("HY") and rng.random() < 0.2:
            send(session, f"{base}/api/v1/stations/{code}/captures", secret, smoke_capture(rng.choice(LOCAL), rng))
        elif code.startswith("K"):
            send(session, f"{base}/api/v1/gates/{code}/events", secret, checkpoint_read(rng.choice(LOCAL + TRANSIT)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--credentials", default=str(ROOT / "instance" / "demo-credentials.json"))
    parser.add_argument("--period", type=float, default=20.0, help="seconds between two rounds")
    parser.add_argument("--once", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    secrets = json.loads(Path(args.credentials).read_text(encoding="utf-8")).get("roadside_secrets") or {}
    if not secrets:
        log.error("no roadside secrets in %s: seed the demo first (flask demo seed)", args.credentials)
        return 2
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    rng, session = random.Random(args.seed), requests.Session()
    try:
        while not stopping:
            one_round(session, args.base.rstrip("/"), secrets, rng)
            if args.once:
                break
            time.sleep(args.period * rng.uniform(0.7, 1.3))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
