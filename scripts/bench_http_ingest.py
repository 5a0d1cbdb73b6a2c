"""Benchmark the HTTP gate endpoint as a camera uses it: one read at a time, waiting for each verdict.

Starts gunicorn (one worker, as `wsgi:app` runs in production) on a fresh database (PostgreSQL by
default) seeded with the demo district, then posts N reads of distinct passes to
POST /api/v1/gates/{code}/events over one keep-alive connection and reports the time to each answer.
The tail is what a gate feels: a barrier waits for the slowest answers, not the median.

    .venv/bin/python scripts/bench_http_ingest.py                    # N=15000 on a fresh PostgreSQL database
    .venv/bin/python scripts/bench_http_ingest.py --database-url sqlite:////tmp/http.sqlite3
"""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.benchdb import demo_district, fresh_database  # noqa: E402
from tests.support.mosquitto import free_port, wait_for_port  # noqa: E402

WARM_UP = 200  # the first reads fill caches; they are not counted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=15_000)
    parser.add_argument("--database-url", default=None, help="default: a fresh PostgreSQL database")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-http-"))
    url, drop = fresh_database(args.database_url)
    district = demo_district(url, work)
    env, secrets, plates = district.env, district.gate_secrets, district.plates
    gate = sorted(secrets)[0]

    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stderr=(work / "gunicorn.log").open("ab"),
    )
    times = []
    try:
        wait_for_port(port, timeout=30)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {secrets[gate]}", "Content-Type": "application/json"}
        base = int(time.time()) - 400 * 86400  # 120 s apart, within the camera clock the gateway trusts
        for i in range(args.n):
            body = {
                "event_id": f"http-{i:07d}",
                "plate": plates[i % len(plates)] if i % 10 else f"晋H{i % 100000:05d}",  # every 10th unregistered
                "plate_color": "yellow",
                "direction": "in",
                "captured_at": datetime.fromtimestamp(base + i * 120, UTC).isoformat(),
                "confidence": 0.9,
            }
            started = time.perf_counter()
            connection.request("POST", f"/api/v1/gates/{gate}/events", json.dumps(body), headers)
            response = connection.getresponse()
            response.read()
            if response.status != 201:
                raise RuntimeError(f"read {i}: HTTP {response.status}")
            times.append(time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)
        drop()
    ms = sorted(t * 1000 for t in times[WARM_UP:])

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(len(ms) * p))]

    print(
        f"HTTP gate events one at a time, {len(ms)} counted: p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, "
        f"p99.9 {pct(0.999):.1f} ms, max {ms[-1]:.1f} ms; answers over 50 ms: {sum(t > 50 for t in ms)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
