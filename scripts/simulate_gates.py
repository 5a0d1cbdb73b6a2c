"""Publish realistic plate reads for the demo district's gates, so passes and violations arrive.

Trucks of every stage from the registry, some unregistered; a camera often reads one pass two or
three times, sometimes misreads a look-alike character, and sometimes resends an event.

    .venv/bin/python scripts/simulate_gates.py --rate 2            # until Ctrl-C
    .venv/bin/python scripts/simulate_gates.py --rate 50 --count 1000
"""

import argparse
import json
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import select

from registry import create_app
from registry.extensions import db
from registry.gates.models import Gate
from registry.vehicles.models import Vehicle

SWAPS = {"0": "D", "8": "B", "5": "S", "2": "Z"}


def misread(plate: str, rng: random.Random) -> str:
    positions = [i for i, ch in enumerate(plate) if i >= 2 and ch in SWAPS]
    if not positions:
        return plate
    i = rng.choice(positions)
    return plate[:i] + SWAPS[plate[i]] + plate[i + 1 :]


def reads(gates: list[str], plates: list[tuple[str, str]], rng: random.Random):
    """An endless stream of (gate, event) tuples."""
    while True:
        gate = rng.choice(gates)
        if rng.random() < 0.1:
            plate, colour = f"晋H{rng.randrange(60000, 99999)}", "yellow"  # not registered
        else:
            plate, colour = rng.choice(plates)
        event = {
            "event_id": uuid.uuid4().hex,
            "plate": plate,
            "plate_color": colour,
            "direction": rng.choice(["in", "out"]),
            "captured_at": datetime.now(UTC).isoformat(),
            "confidence": round(rng.uniform(0.82, 0.99), 2),
            "lane": str(rng.randint(1, 2)),
        }
        yield gate, event
        for _ in range(rng.choice([0, 0, 1, 2])):  # the same pass read again
            again = event | {"event_id": uuid.uuid4().hex, "confidence": round(rng.uniform(0.6, 0.99), 2)}
            if rng.random() < 0.3:
                again["plate"] = misread(plate, rng)
            yield gate, again
        if rng.random() < 0.05:
            yield gate, event  # a resend after a network hiccup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=2.0, help="reads per second")
    parser.add_argument("--count", type=int, default=0, help="stop after this many reads (0 = never)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        gates = list(db.session.scalars(select(Gate.code).where(Gate.active.is_(True))))
        plates = [(v.plate, v.plate_color.value) for v in db.session.scalars(select(Vehicle))]
    if not gates or not plates:
        print("没有门禁或车辆：先运行 flask demo seed / no gates or vehicles: run `flask demo seed` first")
        return 1
    mqtt = app.config["MQTT"]
    client = paho.Client(
        CallbackAPIVersion.VERSION2, client_id=f"gate-simulator-{uuid.uuid4().hex[:6]}", protocol=paho.MQTTv5
    )
    if mqtt.username:
        client.username_pw_set(mqtt.username, mqtt.password)
    client.connect(mqtt.host, mqtt.port)
    client.loop_start()
    rng = random.Random(args.seed)
    sent = 0
    print(f"模拟 {len(gates)} 个门禁，{args.rate}/s / simulating {len(gates)} gates at {args.rate} reads/s")
    try:
        for gate, event in reads(gates, plates, rng):
            client.publish(f"gates/{gate}/events", json.dumps(event, ensure_ascii=False), qos=1)
            sent += 1
            if args.count and sent >= args.count:
                break
            time.sleep(1 / args.rate)
    except KeyboardInterrupt:
        pass
    finally:
        client.loop_stop()
        client.disconnect()
    print(f"已发送 {sent} 条 / sent {sent} reads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
