"""Benchmark the ledger chain (registry.ledger): the first seal of a year of passes, a day's seal after
it, and verifying one firm's chain, on a fresh database (PostgreSQL by default).

Seeds F firms with a gate each and P passes a day for D days before today, each with its verdict
(written with executemany, received when captured), then times `seal_all` (every firm's days, one link a
day, every column of table 3 kept), another `seal_all` (nothing new: the daily run's cost, which compares
the last LEDGER_LATE_DAYS days of every firm again), the same after the bureau edits one truck that
passed every day (its days are compared and sealed again as amendments), and `verify_firm` for one firm
(every link's rows unpacked, every sealed day read again and compared cell by cell).

    .venv/bin/python scripts/bench_ledger.py                      # 10 firms x 365 days x 300 passes
    .venv/bin/python scripts/bench_ledger.py --firms 2 --days 30 --database-url sqlite:////tmp/ledger.sqlite3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select, text, update  # noqa: E402

from registry import create_app  # noqa: E402
from registry.common.time import LOCAL_TZ, today_local, utcnow  # noqa: E402
from registry.config import database_url  # noqa: E402
from registry.events.models import PlateEvent, Verdict  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.firms.models import Firm  # noqa: E402
from registry.gates.services import create_gate  # noqa: E402
from registry.ledger.models import LedgerSeal  # noqa: E402
from registry.ledger.sealing import seal_all, verify_firm  # noqa: E402
from registry.vehicles.models import Vehicle  # noqa: E402
from scripts.benchdb import fresh_database  # noqa: E402


def seed(firms: int, days: int, per_day: int) -> list[int]:
    firm_ids, next_id = [], 1
    first = today_local() - timedelta(days=days)
    vehicle = Vehicle(plate="晋H00001", plate_color="yellow", fuel_type="diesel", vehicle_class="heavy_truck",
                      emission_stage="6", owner="忻州顺达物流")  # fmt: skip
    db.session.add(vehicle)
    db.session.flush()
    truck = vehicle.id  # the first pass of every day is this registered truck
    for f in range(firms):
        firm = Firm(name=f"企业{f:03d}", industry="steel", annual_freight_tonnes=2_000_000)
        db.session.add(firm)
        db.session.flush()
        gate, _ = create_gate(None, firm, "大门")
        db.session.commit()
        firm_ids.append(firm.id)
        rows, verdicts = [], []
        for d in range(days):
            midnight = datetime.combine(first + timedelta(days=d), datetime.min.time(), LOCAL_TZ).astimezone(UTC)
            for p in range(per_day):
                at = midnight + timedelta(seconds=int(p * 86_000 / per_day))
                plate = f"晋H{(next_id * 7919) % 100000:05d}"
                rows.append({"id": next_id, "gate_id": gate.id, "event_id": f"e{next_id}", "plate_raw": plate,
                             "plate": plate, "plate_color": "yellow", "direction": "in" if p % 2 else "out",
                             "captured_at": at, "received_at": at + timedelta(seconds=3), "confidence": 0.9,
                             "read_count": 1, "vehicle_id": truck if p == 0 else None})  # fmt: skip
                verdicts.append({"id": next_id, "plate_event_id": next_id, "pass_at": at, "decision": "pass",
                                 "emission_stage": "6", "evaluated_at": at})  # fmt: skip
                next_id += 1
                if len(rows) == 20_000:
                    db.session.execute(insert(PlateEvent), rows)
                    db.session.execute(insert(Verdict), verdicts)
                    rows, verdicts = [], []
        if rows:
            db.session.execute(insert(PlateEvent), rows)
            db.session.execute(insert(Verdict), verdicts)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('plate_events', 'id'), {next_id})"))
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('verdicts', 'id'), {next_id})"))
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return firm_ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=300)
    parser.add_argument("--database-url", default=None, help="default: a fresh PostgreSQL database")
    args = parser.parse_args()
    url, drop = fresh_database(args.database_url, "bench_ledger")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(url), "IMAGE_DIR": tempfile.mkdtemp()})
    with app.app_context():
        try:
            upgrade()
            started = time.perf_counter()
            firm_ids = seed(args.firms, args.days, args.per_day)
            passes = db.session.scalar(select(func.count()).select_from(PlateEvent))
            print(f"seeded {passes:,} passes for {args.firms} firms over {args.days} days "
                  f"in {time.perf_counter() - started:.1f}s ({db.engine.dialect.name})")  # fmt: skip
            started = time.perf_counter()
            added = seal_all()
            db.session.commit()
            first = time.perf_counter() - started
            links = sum(added.values())
            print(f"first seal: {links:,} links in {first:.1f}s ({first / max(links, 1) * 1000:.1f} ms a link)")
            started = time.perf_counter()
            again = sum(seal_all().values())
            db.session.commit()
            print(f"daily seal with nothing due: {again} links in {time.perf_counter() - started:.2f}s")
            db.session.execute(update(Vehicle).values(owner="另一车队", updated_at=utcnow()))
            db.session.commit()
            started = time.perf_counter()
            amended = sum(seal_all().values())
            db.session.commit()
            print(f"daily seal after one truck's edit: {amended:,} amendments in {time.perf_counter() - started:.1f}s")
            started = time.perf_counter()
            report = verify_firm(firm_ids[0])
            took = time.perf_counter() - started
            print(f"verify one firm: {report.links} links, intact={report.intact}, {took:.1f}s")
            assert db.session.scalar(select(func.count()).select_from(LedgerSeal)) == links + amended
            size = db.session.scalar(select(func.sum(func.length(LedgerSeal.rows))))
            print(f"rows kept with the links: {size / 1024 / 1024:.1f} MiB ({size / passes:.0f} bytes a pass)")
        finally:
            db.session.remove()
            db.engine.dispose()
    drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
