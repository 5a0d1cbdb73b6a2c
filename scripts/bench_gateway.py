"""Benchmark the gateway against the ceiling of a bare paho-mqtt consumer on this machine.

1. Starts its own Mosquitto (persistence on) and a fresh database (PostgreSQL by default) with
   the demo district and its fleet (scripts/bench_load.py: 30,000 registered trucks of every stage, a
   fifth of the reads unregistered, every fifth read a second read of a pass, at the demo's seven
   gates, the demo's orange alert in force); creates two persistent sessions, one for a bare paho
   client and one for the gateway, and queues N reads for both: the last N*0.3 seconds of the
   district's gates, as a gateway finds them after a stop.
2. (a) the bare client drains its session, acknowledging each message: the ceiling.
   (b) the real gateway process (python -m gateway) drains its session into the database with
   verdicts. Prints both rates and their ratio.
3. With the gateway running, publishes reads as they happen (camera time = now) at a fixed rate and
   measures publish-to-verdict latency (p50/p95/p99) from the verdicts the gateway publishes.
4. `--runs 7` does all of it seven times, each on a fresh database and broker, and prints the spread.

    .venv/bin/python scripts/bench_gateway.py                       # N=20000, 500 events/s
    .venv/bin/python scripts/bench_gateway.py --runs 7
    .venv/bin/python scripts/bench_gateway.py --database-url sqlite:///tmp/bench.sqlite3
    BENCH_PROFILE=/tmp/spy.txt ...   # also record a py-spy profile of the gateway (pip install py-spy)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import paho.mqtt.client as paho  # noqa: E402
from paho.mqtt.enums import CallbackAPIVersion  # noqa: E402
from paho.mqtt.packettypes import PacketTypes  # noqa: E402
from paho.mqtt.properties import Properties  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from scripts.bench_load import Reads, fleet, register_fleet  # noqa: E402
from scripts.benchdb import demo_district, fresh_database  # noqa: E402
from tests.support.mosquitto import Mosquitto, free_port  # noqa: E402

BARE_ID, GATEWAY_ID = "bench-bare", "bench-gateway"


def client(client_id: str, port: int, manual_ack: bool = False) -> paho.Client:
    c = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5, manual_ack=manual_ack)
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 3600
    props.ReceiveMaximum = 1000
    c.connect("127.0.0.1", port, clean_start=False, properties=props)
    return c


def make_session(client_id: str, port: int) -> None:
    c = client(client_id, port)
    c.loop_start()
    c.subscribe("gates/+/events", qos=1)[1]
    time.sleep(0.3)
    c.disconnect()
    c.loop_stop()


def publish(port: int, events, rate: float | None = None, sent_at: dict | None = None) -> None:
    """Publish (gate, read) pairs, or at `rate` a second, reads made as they are sent (`events` is then
    a function of the moment giving the next pair)."""
    c = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}", protocol=paho.MQTTv5)
    c.max_inflight_messages_set(1000)
    c.connect("127.0.0.1", port)
    c.loop_start()
    infos, start = [], time.perf_counter()
    for n, pair in enumerate(events):
        if rate:
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        gate, body = pair(datetime.now(UTC)) if callable(pair) else pair
        if sent_at is not None:
            sent_at[body["event_id"]] = time.perf_counter()
        infos.append(c.publish(f"gates/{gate}/events", json.dumps(body, ensure_ascii=False), qos=1))
    for info in infos:
        info.wait_for_publish(timeout=120)
    c.disconnect()
    c.loop_stop()


def drain_bare(port: int, n: int) -> float:
    """Messages per second for a bare paho consumer acking each message."""
    done, count = threading.Event(), [0]
    times = []

    def on_message(c, _u, message):
        c.ack(message.mid, message.qos)
        count[0] += 1
        if count[0] == 1:
            times.append(time.perf_counter())
        if count[0] >= n:
            times.append(time.perf_counter())
            done.set()

    c = client(BARE_ID, port, manual_ack=True)
    c.on_message = on_message
    c.loop_start()
    done.wait(600)
    c.disconnect()
    c.loop_stop()
    return (n - 1) / (times[1] - times[0])


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds used so far by these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def processes(gateway_pid: int, broker_pid: int) -> dict[str, list[int]]:
    """The gateway's own process, its store worker, PostgreSQL's processes and the broker."""
    children = Path(f"/proc/{gateway_pid}/task/{gateway_pid}/children")
    worker = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    postgres = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout.split()
    return {
        "gateway network process": [gateway_pid],
        "store worker": worker,
        "PostgreSQL": [int(pid) for pid in postgres],
        "broker": [broker_pid],
    }


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        lines = response.read().decode().splitlines()
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in lines if line and not line.startswith("#")
    }


def processing_quantiles(before: dict, after: dict) -> str:
    """Receipt-to-commit time inside the gateway between two scrapes, from its histogram buckets."""
    prefix = "gateway_processing_seconds_bucket{le="
    buckets = sorted(
        (float(key[len(prefix) + 1 : -2]), after[key] - before.get(key, 0))
        for key in after
        if key.startswith(prefix) and "+Inf" not in key
    )
    total = after.get("gateway_processing_seconds_count", 0) - before.get("gateway_processing_seconds_count", 0)
    if not total:
        return "no messages"

    def upper_bound(q: float) -> str:
        for bound, count in buckets:
            if count >= q * total:
                return f"<= {bound * 1000:g} ms"
        return "> 10 s"

    def mean(name: str) -> float:
        count = after.get(f"{name}_count", 0) - before.get(f"{name}_count", 0)
        return (after.get(f"{name}_sum", 0) - before.get(f"{name}_sum", 0)) / count * 1000 if count else 0.0

    return (
        f"mean {mean('gateway_processing_seconds'):.1f} ms, p50 {upper_bound(0.5)}, p99 {upper_bound(0.99)} "
        f"(bucket bounds); batches stored in {mean('gateway_batch_seconds'):.1f} ms on average"
    )


def batch_summary(port: int) -> str:
    value = scrape(port)
    count, total = value.get("gateway_batch_size_count", 0), value.get("gateway_batch_size_sum", 0)
    return f"{int(count)} batches, {total / count if count else 0:.0f} messages each on average"


@dataclass
class Run:
    bare: float  # msg/s
    drained: float  # msg/s
    latency: list[float]  # ms, sorted

    def pct(self, p: float) -> float:
        return self.latency[min(len(self.latency) - 1, int(len(self.latency) * p))] if self.latency else float("nan")


def one_run(args, number: int) -> Run:
    work = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    url, drop = fresh_database(args.database_url)
    district = demo_district(url, work)
    trucks = fleet()
    register_fleet(url, trucks)
    env, gates = district.env, sorted(district.gate_secrets)
    engine = create_engine(url)
    broker = Mosquitto(work / "broker")
    broker.start()
    gateway = None
    try:
        make_session(BARE_ID, broker.port)
        make_session(GATEWAY_ID, broker.port)
        reads = Reads(gates, trucks, seed=28 + number, prefix=f"run{number}")
        backlog = reads.backlog(args.n, datetime.now(UTC), timedelta(seconds=0.3))
        started = time.perf_counter()
        publish(broker.port, backlog)
        print(f"queued {args.n} reads for two persistent sessions in {time.perf_counter() - started:.1f}s")

        bare = drain_bare(broker.port, args.n)
        print(f"(a) bare paho consumer: {bare:,.0f} msg/s")

        metrics_port = free_port()
        gw_env = env | {
            "MQTT_URL": broker.url,
            "GATEWAY_CLIENT_ID": GATEWAY_ID,
            "GATEWAY_METRICS_PORT": str(metrics_port),
        }
        log = (work / "gateway.log").open("ab")
        started = time.perf_counter()
        gateway = subprocess.Popen([sys.executable, "-m", "gateway"], cwd=ROOT, env=gw_env, stdout=log, stderr=log)
        if os.environ.get("BENCH_PROFILE"):  # optional: `pip install py-spy` for a sampling profile
            spy = shutil.which("py-spy") or str(ROOT / ".venv/bin/py-spy")
            profile = [
                "record",
                "-s",
                "-o",
                os.environ["BENCH_PROFILE"],
                "-f",
                "raw",
                "-d",
                "8",
                "-p",
                str(gateway.pid),
            ]
            subprocess.Popen([spy, *profile])
        first, cpu_before = None, {}
        while True:
            with engine.connect() as connection:
                stored = connection.execute(text("SELECT count(*) FROM plate_reads")).scalar()
            if stored and first is None:
                first = (time.perf_counter(), stored)
                groups = processes(gateway.pid, broker.process.pid)
                cpu_before = {name: cpu_seconds(pids) for name, pids in groups.items()}
            if stored >= args.n:
                break
            if time.perf_counter() - started > 1800:
                raise TimeoutError(f"only {stored} of {args.n} stored")
            time.sleep(0.05)
        finished = time.perf_counter()
        gw_rate = (args.n - first[1]) / (finished - first[0])
        print(f"(b) gateway into {make_url(url).get_backend_name()} with verdicts: {gw_rate:,.0f} msg/s")
        print(f"ratio gateway / bare: {gw_rate / bare:.1%}")
        print(f"    gateway batches: {batch_summary(metrics_port)}")
        used = {name: cpu_seconds(pids) - cpu_before[name] for name, pids in groups.items()}
        wall = finished - first[0]
        print(
            f"    CPU during the drain ({wall:.1f} s on {os.cpu_count()} cores): "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in used.items())
        )
        with engine.connect() as connection:
            made = connection.execute(
                text("SELECT decision, count(*) FROM verdicts GROUP BY decision ORDER BY decision")
            ).all()
            cases = connection.execute(text("SELECT count(*) FROM cases")).scalar()
        print(f"    passes by decision: {dict(made)}, cases {cases}")

        latencies, sent_at = [], {}
        done = threading.Event()
        total = int(args.rate * args.latency_seconds)

        def on_verdict(_c, _u, message):
            event_id = json.loads(message.payload)["event_id"]
            if event_id in sent_at:
                latencies.append(time.perf_counter() - sent_at[event_id])
                if len(latencies) >= total:
                    done.set()

        watcher = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
        watcher.on_message = on_verdict
        watcher.connect("127.0.0.1", broker.port)
        watcher.subscribe("gates/+/verdicts", qos=1)
        watcher.loop_start()
        time.sleep(0.5)
        before = scrape(metrics_port)
        publish(broker.port, [reads.next] * total, rate=args.rate, sent_at=sent_at)
        done.wait(120)
        watcher.loop_stop()
        ms = sorted(x * 1000 for x in latencies)
        run = Run(bare, gw_rate, ms)
        print(
            f"latency at {args.rate:.0f} reads/s over {len(ms)} reads: p50 {run.pct(0.5):.1f} ms, "
            f"p95 {run.pct(0.95):.1f} ms, p99 {run.pct(0.99):.1f} ms, mean {statistics.fmean(ms):.1f} ms"
        )
        print(f"    inside the gateway (receipt to commit): {processing_quantiles(before, scrape(metrics_port))}")
        return run
    finally:
        if gateway:
            gateway.terminate()
            gateway.wait(timeout=30)
        broker.remove()
        engine.dispose()
        drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--latency-seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=1, help="whole runs, each on a fresh database and broker")
    parser.add_argument("--database-url", default=None, help="default: a fresh PostgreSQL database")
    args = parser.parse_args()
    runs = []
    for number in range(args.runs):
        print(f"== run {number + 1} of {args.runs}")
        runs.append(one_run(args, number))
    if len(runs) > 1:
        drains = [r.drained for r in runs]
        ratios = [r.drained / r.bare for r in runs]
        median = statistics.median(drains)
        print(f"== {len(runs)} runs")
        print("drain msg/s:  " + ", ".join(f"{d:,.0f}" for d in drains))
        print("ratio:        " + ", ".join(f"{r:.1%}" for r in ratios))
        print("latency p99:  " + ", ".join(f"{r.pct(0.99):.1f}" for r in runs) + " ms")
        print(
            f"drain median {median:,.0f} msg/s, slowest {min(drains) / median:.2f} of the median; ratio median "
            f"{statistics.median(ratios):.1%}; p99 median {statistics.median(r.pct(0.99) for r in runs):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
