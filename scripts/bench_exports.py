"""Benchmark the violation exports: time and peak memory for 10,000 and 100,000 rows.

Seeds a fresh database (PostgreSQL by default) with N violations (one firm, one gate, a pass, verdict
and violation per row, written with executemany), then streams GET /api/v1/violations.csv and .xlsx
through the app and reads the answer chunk by chunk, as a client would. Peak memory is the process's
resident high-water mark (VmHWM, reset before each export through /proc/self/clear_refs), so the figure
includes everything: the driver's buffers, openpyxl, the response. Flat memory means the 100,000-row
figure is about the 10,000-row one.

    .venv/bin/python scripts/bench_exports.py                  # N=100000 on a fresh PostgreSQL database
    .venv/bin/python scripts/bench_exports.py --database-url sqlite:////tmp/exports.sqlite3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from registry import create_app  # noqa: E402
from registry.accounts.models import Role  # noqa: E402
from registry.accounts.services import create_user, issue_token  # noqa: E402
from registry.config import database_url  # noqa: E402
from registry.events.models import PlateEvent, Verdict, Violation  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.firms.models import Firm  # noqa: E402
from registry.gates.services import create_gate  # noqa: E402
from registry.policies.sets import ensure, set_id_of  # noqa: E402
from scripts.benchdb import fresh_database  # noqa: E402

FINDING = {
    "rule": "CLEAN_TRANSPORT",
    "severity": "deny",
    "message_zh": "规划区内电力企业仅允许国六或新能源车辆运输，本车为国五",
    "message_en": "power firms in the planning area may use China VI or new-energy trucks only",
    "clause": "第（16）条",
    "policy_id": 5,
}


def seed(n: int) -> str:
    """N violations on consecutive minutes ending now; returns a bureau token."""
    firm = Firm(name="华电热电", industry="power", in_planning_area=True, annual_freight_tonnes=2_400_000)
    db.session.add(firm)
    db.session.flush()
    gate, _ = create_gate(None, firm, "东门")
    user = create_user(None, "bench-bureau", Role.BUREAU)
    token = issue_token(None, user)
    db.session.commit()
    start = datetime.now(UTC) - timedelta(minutes=n)
    context = {"firm": {"id": firm.id, "name": firm.name}, "policy_ids": [1, 5], "gate": gate.code}
    policy_set = set_id_of([1, 5])
    ensure(db.session, [policy_set])
    for first in range(0, n, 10_000):
        ids = range(first + 1, min(first + 10_000, n) + 1)
        db.session.execute(
            insert(PlateEvent),
            [
                {
                    "id": i,
                    "gate_id": gate.id,
                    "event_id": f"e{i}",
                    "plate_raw": f"晋H{i % 100000:05d}",
                    "plate": f"晋H{i % 100000:05d}",
                    "plate_color": "yellow",
                    "direction": "in",
                    "captured_at": start + timedelta(minutes=i),
                    "received_at": start + timedelta(minutes=i),
                    "confidence": 0.9,
                    "read_count": 1,
                }
                for i in ids
            ],
        )
        db.session.execute(
            insert(Verdict),
            [
                {
                    "id": i,
                    "plate_event_id": i,
                    "pass_at": start + timedelta(minutes=i),
                    "decision": "deny",
                    "stored_findings": [FINDING],
                    "policy_set_id": policy_set,
                    "stage_inferred": False,
                    "emission_stage": "5",
                    "evaluated_at": start,
                }
                for i in ids
            ],
        )
        db.session.execute(
            insert(Violation),
            [
                {
                    "plate_event_id": i,
                    "captured_at": start + timedelta(minutes=i),
                    "gate_id": gate.id,
                    "firm_id": firm.id,
                    "plate": f"晋H{i % 100000:05d}",
                    "rule": "CLEAN_TRANSPORT",
                    "severity": "deny",
                    "status": "open",
                    "context": context,
                    "created_at": start,
                    "updated_at": start,
                }
                for i in ids
            ],
        )
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("plate_events", "verdicts"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n})"))
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return token


def peak_rss_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def current_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def heap_peak_mib(client, token: str, fmt: str, query: str) -> float:
    """The Python heap's peak while streaming the export (a second run, under tracemalloc)."""
    db.session.remove()
    tracemalloc.start()
    response = client.get(
        f"/api/v1/violations.{fmt}?{query}", headers={"Authorization": f"Bearer {token}"}, buffered=False
    )
    for _chunk in response.response:
        pass
    response.close()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1048576


def measure(client, token: str, fmt: str, query: str) -> tuple[int, int, float, float, float]:
    db.session.remove()
    peak_rss_reset()
    before = current_rss_mib()
    started = time.perf_counter()
    response = client.get(
        f"/api/v1/violations.{fmt}?{query}", headers={"Authorization": f"Bearer {token}"}, buffered=False
    )
    size = 0
    lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return size, lines, time.perf_counter() - started, before, peak_rss_mib()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a fresh PostgreSQL database")
    args = parser.parse_args()
    url, drop = fresh_database(args.database_url, "bench_exports")
    images = tempfile.mkdtemp(prefix="bench-exports-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(url), "IMAGE_DIR": images, "API_PER_PAGE_MAX": 500})
    try:
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            token = seed(args.rows)
            print(f"seeded {args.rows:,} violations in {time.perf_counter() - started:.1f}s ({db.engine.dialect.name})")
            client = app.test_client()
            small = (datetime.now(UTC) - timedelta(minutes=args.rows // 10)).date()
            for fmt in ("csv", "xlsx"):
                for label, query in ((f"last ~{args.rows // 10:,}", f"from={small.isoformat()}"), ("all", "")):
                    size, lines, seconds, before, peak = measure(client, token, fmt, query)
                    shown = f"{lines - 1:,} rows" if fmt == "csv" else f"{size / 1048576:.1f} MiB"
                    heap = heap_peak_mib(client, token, fmt, query)
                    print(
                        f"{fmt:4} {label:>12}: {shown:>14} in {seconds:6.1f}s;"
                        f" RSS before {before:6.1f} MiB, peak during export {peak:6.1f} MiB (+{peak - before:.1f});"
                        f" Python heap peak {heap:.1f} MiB"
                    )
    finally:
        with app.app_context():
            db.engine.dispose()
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
