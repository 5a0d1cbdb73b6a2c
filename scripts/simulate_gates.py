"""Publish the demo district's gate traffic to the broker, as its cameras would, so passes arrive.

Each truck works for its home firm: it comes in, is loaded, leaves, is away on its delivery, and some call
at a customer's gate in the time the drive takes (registry.demo.traffic). Each read carries a picture of
the truck and a crop of its plate; a camera sometimes reads one pass twice and sometimes resends an
event. One cloned plate and one unregistered truck come by on purpose; the rest of what the gates refuse
is what the registry's own trucks are (a China III truck, a truck of unknown stage).

    .venv/bin/python scripts/simulate_gates.py                 # the next 8 hours, at 30 times speed
    .venv/bin/python scripts/simulate_gates.py --speed 1       # in real time
    .venv/bin/python scripts/simulate_gates.py --backfill 12   # first the last 12 hours, sent at once
                                                               # (cameras delivering what they stored)
"""

import argparse
import json
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from registry import create_app
from registry.demo.history import camera_message, district_schedule


def messages(reads, rng: random.Random, seed: int):
    """(gate, message) for each read, a second frame of some passes and a resend now and then."""
    for read in reads:
        message = camera_message(read, seed)
        yield read, read.gate, message
        if rng.random() < 0.2:  # the camera read the same pass again a second later
            second = (read.at + timedelta(seconds=1)).isoformat()
            yield read, read.gate, message | {"event_id": uuid.uuid4().hex, "captured_at": second}
        if rng.random() < 0.03:
            yield read, read.gate, message  # a resend after a network hiccup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speed", type=float, default=30.0, help="time in the plant and away runs this much faster")
    parser.add_argument("--hours", type=float, default=8.0, help="how long to run (real hours)")
    parser.add_argument("--backfill", type=float, default=0.0, help="first send the last N hours at once")
    parser.add_argument("--count", type=int, default=0, help="stop after this many messages (0 = never)")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    app = create_app()
    now = datetime.now(UTC)
    with app.app_context():
        past = district_schedule(now - timedelta(hours=args.backfill), now, 1.0, args.seed) if args.backfill else []
        coming = district_schedule(now, now + timedelta(hours=args.hours), args.speed, args.seed + 1)
    if not past and not coming:
        print("没有门禁或车辆：先运行 flask demo seed / no gates or trucks: run `flask demo seed` first")
        return 1
    mqtt = app.config["MQTT"]
    client = paho.Client(
        CallbackAPIVersion.VERSION2, client_id=f"gate-simulator-{uuid.uuid4().hex[:6]}", protocol=paho.MQTTv5
    )
    if mqtt.username:
        client.username_pw_set(mqtt.username, mqtt.password)
    client.connect(mqtt.host, mqtt.port)
    client.loop_start()
    rng, sent = random.Random(args.seed), 0
    gates = len({read.gate for read in past + coming})
    print(f"模拟 {gates} 个门禁：补发 {len(past)} 次过车，随后 {len(coming)} 次（{args.speed} 倍速）"
          f" / {gates} gates: {len(past)} passes at once, then {len(coming)} at {args.speed}x")  # fmt: skip
    try:
        for read, gate, message in messages([*past, *coming], rng, args.seed):
            wait = (read.at - datetime.now(UTC)).total_seconds()
            if wait > 0:
                time.sleep(wait)
            body = json.dumps(message, ensure_ascii=False)
            client.publish(f"gates/{gate}/events", body, qos=1).wait_for_publish(30)
            sent += 1
            if args.count and sent >= args.count:
                break
    except KeyboardInterrupt:
        pass
    finally:
        client.loop_stop()
        client.disconnect()
    print(f"已发送 {sent} 条 / sent {sent} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
