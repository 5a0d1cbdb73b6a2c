"""Benchmark the terminal receiver (gateway.terminals) as a city loads it: N terminals connected at once,
each sending a frame of ten samples every ten seconds, a few losing their link and sending what they kept
as resends when it is back, against PostgreSQL.

The receiver runs as production runs it (`python -m gateway.terminals`, its own process) with
OBD_ACK_COMMANDS=02,03: it answers each data frame once its batch is committed, so the time from a frame's
last byte to its answer is the frame-to-commit time (plus the answer's way back). Frames are built before
the run by the project's encoder (registry.obd.simulation), in as many processes as there are cores, so
that the load's own CPU is not spent while it is measured.

Reported: terminals connected, frames per second answered over the measured window, frame-to-commit p50
and p99, the receiver's CPU per frame, the database's size of the frames against their bytes on the wire,
and the bytes per truck-day (ten hours of driving: 3,600 frames).

    .venv/bin/python scripts/bench_obd.py --terminals 10000 --seconds 120
    .venv/bin/python scripts/bench_obd.py --terminals 2000 --seconds 60 --layout hj1239
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from registry.common.time import LOCAL_TZ  # noqa: E402
from registry.obd.protocol.frames import Command, Reader  # noqa: E402
from scripts.benchdb import fresh_database  # noqa: E402
from scripts.simulate_obd import ANSWER, PERIOD, synthetic_trucks  # noqa: E402
from tests.support.mosquitto import free_port  # noqa: E402

BASE = datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL_TZ)  # the frames' own times: a morning's driving


def build_frames(args: tuple[int, int, int, str, float, int]) -> list[tuple[bytes, ...]]:
    """Each terminal's frames of the run (first, last), with a resend of every frame after an outage."""
    first, last, count, layout, outage, seed = args
    rng = random.Random(seed + first)
    trucks = synthetic_trucks(last, seed, layout)[first:last]
    built = []
    for truck in trucks:
        frames = []
        for k in range(count):
            at = BASE + timedelta(seconds=PERIOD * k)
            raw = truck.frame(at)
            frames.append(raw)
            if rng.random() < outage:  # the link dropped: the frame is sent again (0x03) with the next
                kept = Reader().feed(raw)[0]
                frames.append(replace(kept, command=Command.RESEND, raw=b"").encode())
        built.append(tuple(frames))
    return built


class Load:
    def __init__(self) -> None:
        self.connected = 0
        self.answers: list[float] = []  # monotonic time of each answer
        self.latencies: list[float] = []
        self.failed = 0


async def terminal(frames: tuple[bytes, ...], port: int, offset: float, load: Load, stop: float) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        load.failed += 1
        return
    load.connected += 1
    await asyncio.sleep(offset)
    try:
        for raw in frames:
            if time.monotonic() >= stop:
                break
            writer.write(raw)
            await writer.drain()
            sent = time.perf_counter()
            await asyncio.wait_for(reader.readexactly(ANSWER), 60)
            load.latencies.append(time.perf_counter() - sent)
            load.answers.append(time.monotonic())
            await asyncio.sleep(max(0.0, PERIOD - (time.perf_counter() - sent)))
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        load.failed += 1
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def run_load(all_frames, port: int, seconds: float) -> tuple[Load, float]:
    load = Load()
    started = time.monotonic()
    stop = started + seconds
    spread = PERIOD / len(all_frames)
    await asyncio.gather(*(terminal(frames, port, n * spread, load, stop) for n, frames in enumerate(all_frames)))
    return load, started


def cpu_seconds(pid: int) -> float:
    """A process's CPU time and its live children's (the receiver's workers)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return own + sum(cpu_seconds(int(child)) for child in children)


def machine_cpu_seconds() -> float:
    """Every core's busy time since boot (/proc/stat: user, nice, system, irq, softirq, steal)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terminals", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=120, help="of load; the first 30 s are not measured")
    parser.add_argument("--layout", choices=("gb17691", "hj1239"), default="gb17691")
    parser.add_argument("--outage", type=float, default=0.002, help="chance a frame is followed by an outage")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL database to use (default: a fresh one)")
    args = parser.parse_args()
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.terminals + 200:  # each side of the connections is a process of its own
        print(f"the open-file limit ({hard}) is too low for {args.terminals} connections", file=sys.stderr)
        return 2
    url, drop = fresh_database(args.database_url, "bench_obd")
    env = os.environ | {"DATABASE_URL": url, "FLASK_APP": "wsgi"}
    try:
        subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
        count = int(args.seconds / PERIOD) + 2
        started = time.monotonic()
        cores = os.cpu_count() or 1
        step = -(-args.terminals // cores)
        jobs = [(first, min(first + step, args.terminals), count, args.layout, args.outage, 7)
                for first in range(0, args.terminals, step)]  # fmt: skip
        with ProcessPoolExecutor(cores) as pool:
            all_frames = [frames for chunk in pool.map(build_frames, jobs) for frames in chunk]
        wire = sum(len(raw) for frames in all_frames for raw in frames)
        print(f"built {sum(map(len, all_frames)):,} frames for {args.terminals:,} terminals in "
              f"{time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
        port = free_port()
        receiver_env = env | {"OBD_PORT": str(port), "OBD_HOST": "127.0.0.1", "OBD_ACK_COMMANDS": "02,03",
                              "OBD_MAX_CONNECTIONS": str(args.terminals + 100)}  # fmt: skip
        with (Path("/tmp") / f"bench_obd_{port}.log").open("wb") as log:
            receiver = subprocess.Popen([sys.executable, "-m", "gateway.terminals"], cwd=ROOT, env=receiver_env,
                                        stdout=log, stderr=log, preexec_fn=_raise_limit)  # fmt: skip
        try:
            _wait_listening(port)
            time.sleep(5)  # the workers are up
            cpu_before, machine_before, own_before = (
                cpu_seconds(receiver.pid),
                machine_cpu_seconds(),
                time.process_time(),
            )
            load, began = asyncio.run(run_load(all_frames, port, args.seconds))
            cpu = cpu_seconds(receiver.pid) - cpu_before
            machine = machine_cpu_seconds() - machine_before
            own = time.process_time() - own_before
        finally:
            receiver.terminate()
            receiver.wait(60)
        report(args, load, began, cpu, url, wire)
        frames = max(len(load.answers), 1)
        print(f"machine CPU per frame          {machine / frames * 1000:.2f} ms, of which the load itself "
              f"{own / frames * 1000:.2f} ms ({os.cpu_count()} cores; the database is the rest)")  # fmt: skip
    finally:
        drop()
    return 0


def _raise_limit() -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _wait_listening(port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def report(args, load: Load, began: float, cpu: float, url: str, wire_built: int) -> None:
    window = [t for t in load.answers if t >= began + 30]
    span = (max(window) - (began + 30)) if window else 0
    latencies = sorted(load.latencies[len(load.latencies) - len(window) :]) if window else [0.0]
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*), coalesce(sum(length(raw)), 0) FROM obd_frames")).one()
        days = connection.execute(
            text("SELECT coalesce(sum(frame_bytes), 0), coalesce(sum(frames), 0) FROM obd_days")
        ).one()
        size = connection.execute(
            text("SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('obd_frames')")
        ).scalar()
        heap = connection.execute(
            text("SELECT coalesce(sum(pg_relation_size(relid)), 0) FROM pg_partition_tree('obd_frames')")
        ).scalar()
    engine.dispose()
    frames, packed = stored
    size, heap, packed = float(size), float(heap), float(packed)
    per_frame_wire = float(days[0]) / float(days[1]) if days[1] else 0  # as received (obd_days counts them)
    print(f"terminals connected            {load.connected:,} of {args.terminals:,} ({load.failed} failed)")
    print(f"frames answered (all)          {len(load.answers):,}; stored {frames:,}")
    print(f"sustained, after 30 s          {len(window) / span if span else 0:,.0f} frames/s over {span:.0f} s")
    print(f"frame-to-commit p50 / p99      {statistics.median(latencies) * 1000:.0f} / "
          f"{latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} ms")  # fmt: skip
    print(f"receiver CPU per frame         {cpu / max(len(load.answers), 1) * 1000:.2f} ms "
          f"({cpu:.0f} s for {len(load.answers):,} frames)")  # fmt: skip
    print(
        f"bytes on the wire per frame    {per_frame_wire:,.0f}; the raw column {packed / max(frames, 1):,.0f} (packed)"
    )
    print(f"database per frame             {size / max(frames, 1):,.0f} (heap {heap / max(frames, 1):,.0f}, "
          f"with the key index and TOAST)")  # fmt: skip
    print(f"bytes per truck-day (10 h)     wire {per_frame_wire * 3600 / 1e6:.2f} MB, "
          f"database {size / max(frames, 1) * 3600 / 1e6:.2f} MB")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
