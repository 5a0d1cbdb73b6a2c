"""Time the gateway's store of one batch in process, without the broker: `gateway.batches.store_batch`
and its commit, on a fresh PostgreSQL database with the demo district.

    .venv/bin/python scripts/bench_store_batch.py                  # 240 batches of 25 distinct passes
    .venv/bin/python scripts/bench_store_batch.py --batches 400 --size 100

Prints the mean and median time per batch, the first 40 batches (warm-up) left out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WARM_UP = 40


class Message:
    def __init__(self, topic: str, payload: bytes):
        self.topic, self.payload = topic, payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=240)
    parser.add_argument("--size", type=int, default=25)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    name = f"bench_store_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        env = os.environ | {"DATABASE_URL": f"{args.server}/{name}", "FLASK_APP": "wsgi", "INSTANCE_PATH": str(folder)}
        for command in (["db", "upgrade"], ["demo", "seed", "--credentials", str(folder / "demo.json")]):
            subprocess.run(
                [sys.executable, "-m", "flask", *command], env=env, cwd=ROOT, check=True, capture_output=True
            )
        os.environ.update(env)
        print(f"{len(_timings(args, folder))} batches timed", file=sys.stderr)
    finally:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", name], check=False)


def _timings(args, folder: Path) -> list[float]:
    from gateway.batches import store_batch
    from registry.app import create_app
    from registry.extensions import db
    from registry.ingest.facts import PolicyCache

    app = create_app()
    gate = sorted(json.loads((folder / "demo.json").read_text(encoding="utf-8"))["gate_secrets"])[0]
    start = datetime.now(UTC) - timedelta(days=20)
    cache = PolicyCache(seconds=5.0)
    times = []
    with app.app_context():
        for k in range(args.batches):
            batch = []
            for i in range(args.size):
                n = k * args.size + i
                event = {
                    "event_id": f"e-{n}",
                    "plate": f"晋H{n % 90000 + 10000}",
                    "plate_color": "yellow",
                    "direction": "in",
                    "captured_at": (start + timedelta(seconds=120 * n)).isoformat(),
                    "confidence": 0.9,
                }
                batch.append(Message(f"gates/{gate}/events", json.dumps(event).encode()))
            started = time.perf_counter()
            store_batch(batch, Counter(), cache)
            db.session.commit()
            times.append(time.perf_counter() - started)
    kept = sorted(times[WARM_UP:])
    mean, median = sum(kept) / len(kept), kept[len(kept) // 2]
    print(f"store_batch of {args.size}: mean {mean * 1000:.1f} ms, p50 {median * 1000:.1f} ms per batch")
    return kept


if __name__ == "__main__":
    main()
