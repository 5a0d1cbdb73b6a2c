"""Time the gateway's store of one batch in process, without the broker: `gateway.batches.store_batch`
and its commit, on a fresh PostgreSQL database with the demo district and its fleet
(scripts/bench_load.py: 30,000 registered trucks, a fifth of the reads unregistered, every fifth read a
second read of a pass, the demo's orange alert in force), with the statistics thread the gateway runs.

    .venv/bin/python scripts/bench_store_batch.py                  # 240 batches of 25 reads
    .venv/bin/python scripts/bench_store_batch.py --batches 100 --size 200 --profile /tmp/batch.prof

Prints the time per batch (mean, p50, p99, p99.9, max; the first 40 batches, warm-up, left out) and the
full garbage collections; with --profile, the functions that took most of the time (cProfile,
cumulative), and the profile itself for pstats. `--size 8 --batches 2500` is a batch as the gateway
takes them at 500 reads a second.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_load import Reads, fleet, register_fleet  # noqa: E402
from scripts.benchdb import demo_district, fresh_database  # noqa: E402

WARM_UP = 40


class Message:
    def __init__(self, topic: str, payload: bytes):
        self.topic, self.payload = topic, payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=240)
    parser.add_argument("--size", type=int, default=25)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the timed batches here")
    parser.add_argument("--database-url", default=None, help="default: a fresh PostgreSQL database")
    args = parser.parse_args()
    url, drop = fresh_database(args.database_url, prefix="bench_store")
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        district = demo_district(url, folder)
        trucks = fleet()
        register_fleet(url, trucks)
        import os

        os.environ.update(district.env)
        kept = timings(args, sorted(district.gate_secrets), trucks)
        print(f"{len(kept)} batches timed", file=sys.stderr)
    finally:
        drop()


def timings(args, gates: list[str], trucks: list[dict]) -> list[float]:
    from gateway.batches import store_batch
    from gateway.consumer import keep_statistics
    from registry.app import create_app
    from registry.common.heap import freeze_startup_objects
    from registry.extensions import db
    from registry.ingest.gather import InForce

    app = create_app()
    freeze_startup_objects()  # as the gateway's store worker does
    stop = threading.Event()
    keeper = threading.Thread(target=keep_statistics, args=(app, stop), daemon=True)  # as the gateway does
    keeper.start()
    reads = Reads(gates, trucks)
    moment, spacing = datetime.now(UTC) - timedelta(minutes=90), timedelta(seconds=0.3)
    cache = InForce(seconds=5.0)
    profile = cProfile.Profile() if args.profile else None
    times = []
    with app.app_context():
        for k in range(args.batches):
            batch = []
            for _ in range(args.size):
                gate, body = reads.next(moment)
                moment += spacing
                batch.append(Message(f"gates/{gate}/events", json.dumps(body, ensure_ascii=False).encode()))
            if profile and k == WARM_UP:
                profile.enable()
            started = time.perf_counter()
            store_batch(batch, Counter(), cache)
            db.session.commit()
            times.append(time.perf_counter() - started)
    stop.set()
    keeper.join()
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    kept = sorted(times[WARM_UP:])
    mean, median = sum(kept) / len(kept), kept[len(kept) // 2]

    def pct(p: float) -> float:
        return kept[min(len(kept) - 1, int(len(kept) * p))] * 1000

    print(
        f"store_batch of {args.size}: mean {mean * 1000:.1f} ms, p50 {median * 1000:.1f} ms, p99 {pct(0.99):.1f} ms, "
        f"p99.9 {pct(0.999):.1f} ms, max {kept[-1] * 1000:.1f} ms per batch; full garbage collections: "
        f"{gc.get_stats()[2]['collections']}"
    )
    return kept


if __name__ == "__main__":
    main()
