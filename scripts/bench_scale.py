"""The registry at city scale: load N passes into the tables the migrations create, then time the
requests bureau and police make, through the API and pages under gunicorn.

    .venv/bin/python scripts/bench_scale.py --retention             # 20 M passes over 26 months
    .venv/bin/python scripts/bench_scale.py --passes 2000000        # a smaller district
    .venv/bin/python scripts/bench_scale.py --reuse bench_scale_x   # measure again, no load

The months are partitioned first (`flask partitions ensure`), then the load is SQL on the server
(INSERT ... SELECT over generate_series, chunk by chunk, with the plain indexes built after and
triggers and reference checks off for the loading session, as PostgreSQL's manual advises for bulk
loads), then the daily counts are counted (`flask statistics rebuild`). The data has the skew of
real traffic: gates and plates drawn by a power law (a few gates and trucks far more frequent than the
rest), passes spread over the months, 12 % of verdicts deny or review and one violation each, a tenth of
those confirmed. Then VACUUM ANALYZE. Each request is timed `--repeat` times (fewer when one takes over
10 s) and reported as p50/p95; `--retention` then times `flask retention run --dry-run` and a real run
(the months older than 24 drop). The database is kept (its name is printed) for --reuse.
PostgreSQL only: the scale question is PostgreSQL's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.policies.sets import set_id_of  # noqa: E402

CHUNK = 1_000_000
SLOW = 10.0  # seconds: a request this slow is timed three times, not --repeat


def say(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def flask(url: str, folder: Path, *args: str) -> None:
    env = os.environ | {"DATABASE_URL": url, "FLASK_APP": "wsgi", "INSTANCE_PATH": str(folder)}
    subprocess.run([sys.executable, "-m", "flask", *args], env=env, cwd=ROOT, check=True, capture_output=True)


def flask_output(url: str, folder: Path, *args: str) -> str:
    env = os.environ | {"DATABASE_URL": url, "FLASK_APP": "wsgi", "INSTANCE_PATH": str(folder)}
    done = subprocess.run([sys.executable, "-m", "flask", *args], env=env, cwd=ROOT, check=True, capture_output=True)
    return done.stdout.decode()


LOAD = {
    "firms": """
        INSERT INTO firms (name, industry, annual_freight_tonnes, in_planning_area, performance_grade,
                           region, created_at, updated_at)
        SELECT '规模测试企业' || i, (ARRAY['steel','cement','coking','power','chemical'])[1 + i % 5],
               (i % 7) * 500000, i % 3 = 0, (ARRAY['A','B','C','D'])[1 + i % 4], NULL, now(), now()
        FROM generate_series(1, :firms) i""",
    "gates": """
        INSERT INTO gates (firm_id, name, code, secret_hash, active, created_at, updated_at)
        SELECT (SELECT min(id) FROM firms WHERE name LIKE '规模测试企业%') + (i % :firms), '门' || i,
               'S' || lpad(i::text, 5, '0'), 'x', true, now(), now()
        FROM generate_series(0, :gates - 1) i""",
    "vehicles": """
        INSERT INTO vehicles (plate, plate_color, fuel_type, emission_stage, registration_date,
                              vehicle_class, created_at, updated_at)
        SELECT '晋K' || lpad(i::text, 5, '0'), 'yellow', 'diesel', (ARRAY['3','4','5','6','6','6'])[1 + i % 6],
               date '2015-01-01' + (i % 3000), 'heavy_truck', now(), now()
        FROM generate_series(0, :plates - 1) i""",
}
PASSES = """
    INSERT INTO plate_events (gate_id, event_id, plate_raw, plate, plate_color, direction, captured_at,
                              received_at, confidence, read_count, vehicle_id, colour_disagrees, time_source)
    SELECT :g0 + s.g, 'b' || s.i, '晋K' || lpad(s.v::text, 5, '0'), '晋K' || lpad(s.v::text, 5, '0'),
           'yellow', CASE WHEN s.i % 2 = 0 THEN 'in' ELSE 'out' END, s.at, s.at + interval '2 seconds', 0.93,
           1, :v0 + s.v, false, 'camera'
    FROM (SELECT i, floor(:gates * power(random(), 2))::int AS g, floor(:plates * power(random(), 3))::int AS v,
                 now() - (random() * :days) * interval '1 day' AS at
          FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) i) s"""
POLICIES = [1, 2, 3]  # the policy set every loaded verdict names
CHILDREN = [
    """INSERT INTO plate_reads (plate_event_id, pass_at, gate_id, event_id, plate_raw, plate_color, confidence,
                                captured_at, received_at, source, backlog)
       SELECT id, captured_at, gate_id, event_id, plate_raw, plate_color, confidence, captured_at, received_at,
              'mqtt', false
       FROM plate_events WHERE id BETWEEN :low AND :high""",
    """INSERT INTO verdicts (plate_event_id, pass_at, decision, findings, policy_set_id, stage_inferred,
                             emission_stage, evaluated_at)
       SELECT id, captured_at, CASE WHEN id % 100 < 88 THEN 'pass' WHEN id % 100 < 95 THEN 'deny' ELSE 'review' END,
              CASE WHEN id % 100 < 88 THEN NULL ELSE jsonb_build_array(jsonb_build_object(
                  'rule', (ARRAY['FREIGHT_STAGE','STAGGERED_TRANSPORT','PHASE_OUT','UNREGISTERED_VEHICLE'])[1 + id % 4],
                  'severity', CASE WHEN id % 100 < 95 THEN 'deny' ELSE 'review' END,
                  'message_zh', '规模测试', 'message_en', 'scale test', 'clause', '', 'policy_id', 1)) END,
              :policy_set, false, '5', captured_at
       FROM plate_events WHERE id BETWEEN :low AND :high""",
    """INSERT INTO violations (plate_event_id, rule, severity, status, context, created_at, updated_at,
                               captured_at, gate_id, firm_id, plate, alert_id, alert_level)
       SELECT pe.id, (ARRAY['FREIGHT_STAGE','STAGGERED_TRANSPORT','PHASE_OUT','UNREGISTERED_VEHICLE'])[1 + pe.id % 4],
              CASE WHEN pe.id % 100 < 95 THEN 'deny' ELSE 'review' END,
              CASE WHEN pe.id % 10 = 0 THEN 'confirmed' ELSE 'open' END, '{}'::jsonb, pe.captured_at, pe.captured_at,
              pe.captured_at, pe.gate_id, g.firm_id, pe.plate,
              CASE WHEN pe.id % 4 = 1 THEN :alert END, CASE WHEN pe.id % 4 = 1 THEN 'orange' END
       FROM plate_events pe JOIN gates g ON g.id = pe.gate_id
       WHERE pe.id BETWEEN :low AND :high AND pe.id % 100 >= 88""",
    # one case a pass with findings (案件, the police's review queue), as the gate's batch writes them
    """INSERT INTO cases (plate_event_id, captured_at, gate_id, firm_id, plate, decision, rules, findings_count,
                          alert_level, status, created_at, updated_at)
       SELECT plate_event_id, captured_at, gate_id, firm_id, plate,
              CASE WHEN severity = 'deny' THEN 'deny' ELSE 'review' END, rule, 1, alert_level, status,
              captured_at, captured_at
       FROM violations WHERE plate_event_id BETWEEN :low AND :high""",
]


GROWING = ("plate_events", "plate_reads", "verdicts", "violations", "cases", "pass_images")
PLAIN_INDEXES = """
    SELECT i.indexname, i.indexdef FROM pg_indexes i
    WHERE i.schemaname = 'public' AND i.tablename = ANY(:tables)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"""


def load(url: str, args) -> None:
    """Bulk load as PostgreSQL's manual advises: the plain indexes dropped and built again after the
    rows (constraints stay), triggers and foreign-key checks off for the loading session
    (session_replication_role; the rows are made consistent by construction)."""
    engine = engine_for(url)
    with engine.begin() as connection:
        indexes = connection.execute(text(PLAIN_INDEXES), {"tables": list(GROWING)}).all()
        for name, _ in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
    say(f"{len(indexes)} plain indexes dropped for the load")
    params = {"firms": args.firms, "gates": args.gates, "plates": args.plates, "days": args.months * 30.4}
    with engine.begin() as connection:
        for table, sql in LOAD.items():
            connection.execute(text(sql), params)
            say(f"{table} loaded")
        params["g0"] = connection.execute(text("SELECT min(id) FROM gates WHERE code LIKE 'S%'")).scalar()
        params["v0"] = connection.execute(text("SELECT min(id) FROM vehicles WHERE plate LIKE '晋K%'")).scalar()
        # violations of staggered transport name an alert of their own, in force over the whole span
        alert = connection.execute(
            text(
                "INSERT INTO alerts (level, region, starts_at, ends_at, document_no, created_at, updated_at) "
                "SELECT 'orange', NULL, now() - interval '800 days', now() - interval '60 days', '规模测试', "
                "now(), now() RETURNING id"
            )
        ).scalar()
        # a two-day alert whose five normal days before it have none in force: the one evaluated
        connection.execute(
            text(
                "INSERT INTO alerts (level, region, starts_at, ends_at, document_no, created_at, updated_at) "
                "SELECT 'red', NULL, date_trunc('day', now()) - interval '50 days', "
                "date_trunc('day', now()) - interval '48 days', '规模测试-评估', now(), now()"
            )
        )
        policy_set = set_id_of(POLICIES)
        connection.execute(
            text("INSERT INTO policy_sets (id, policy_ids) VALUES (:id, CAST(:ids AS jsonb)) ON CONFLICT DO NOTHING"),
            {"id": policy_set, "ids": json.dumps(POLICIES)},
        )
    for first in range(1, args.passes + 1, CHUNK):
        last = min(first + CHUNK - 1, args.passes)
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text("SET LOCAL synchronous_commit = off"))
            low = connection.execute(text("SELECT coalesce(max(id), 0) + 1 FROM plate_events")).scalar()
            connection.execute(text(PASSES), params | {"first": first, "last": last})
            high = connection.execute(text("SELECT max(id) FROM plate_events")).scalar()
            for sql in CHILDREN:
                connection.execute(text(sql), {"low": low, "high": high, "alert": alert, "policy_set": policy_set})
        say(f"{last:,} passes loaded")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SET maintenance_work_mem = '1GB'"))
        for name, definition in indexes:
            # a partitioned table's index reads "ON ONLY", which would build no partition's index
            connection.execute(text(definition.replace(" ON ONLY ", " ON ")))
            say(f"index {name} built")
        connection.execute(text("VACUUM ANALYZE"))
    say("VACUUM ANALYZE done")
    engine.dispose()


def engine_for(url: str):
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def samples(engine) -> dict:
    """Values the requests filter by: a frequent and a rare plate, a busy gate and its firm, the firm with
    the most passes, the alert evaluated."""
    with engine.connect() as connection:
        one = lambda sql: connection.execute(text(sql)).scalar()  # noqa: E731
        return {
            "frequent": one("SELECT plate FROM plate_events WHERE plate = '晋K00000' LIMIT 1") or "晋K00000",
            "rare": one(
                "SELECT '晋K' || lpad(((SELECT count(*) FROM vehicles WHERE plate LIKE '晋K%') - 1)::text, 5, '0')"
            ),
            "gate": one("SELECT code FROM gates WHERE code LIKE 'S%' ORDER BY id LIMIT 1"),
            "firm": one("SELECT firm_id FROM gates WHERE code LIKE 'S%' ORDER BY id LIMIT 1"),
            "alert": one("SELECT id FROM alerts WHERE document_no = '规模测试-评估'"),
        }


def local_day(days_ago: int) -> str:
    return (datetime.now(UTC) + timedelta(hours=8) - timedelta(days=days_ago)).date().isoformat()


def requests_to_time(found: dict) -> list[tuple[str, str]]:
    """Every request the issues name people making every day (issues 15 and 31), with the filters that
    find many rows, few and none."""
    month = local_day(60), local_day(31)
    week = local_day(37), local_day(31)
    v, e, c = "/api/v1/violations", "/api/v1/events", "/api/v1/cases"
    firm, rare, alert = found["firm"], found["rare"], found["alert"]
    return [
        ("violations page 1", v),
        ("violations rule+alert_level", f"{v}?rule=STAGGERED_TRANSPORT&alert_level=orange"),
        ("violations status=open sort=plate", f"{v}?status=open&sort=plate"),
        ("violations page 1000", f"{v}?page=1000"),
        ("violations frequent plate", f"{v}?plate={found['frequent']}"),
        ("violations firm, one month", f"{v}?firm_id={firm}&from={month[0]}&to={month[1]}"),
        ("violations rare plate", f"{v}?plate={rare}"),
        ("violations none: plate_prefix=晋A", f"{v}?plate_prefix=晋A"),
        ("violations none: PHASE_OUT+orange", f"{v}?rule=PHASE_OUT&alert_level=orange"),
        ("violations none: review+confirmed+firm", f"{v}?severity=review&status=confirmed&firm_id={firm}"),
        ("events page 1", e),
        ("events page 1000", f"{e}?page=1000"),
        ("events gate, one month", f"{e}?gate={found['gate']}&from={month[0]}&to={month[1]}"),
        ("events rare plate", f"{e}?plate={rare}"),
        ("events decision=review, one week", f"{e}?decision=review&from={week[0]}&to={week[1]}"),
        ("cases page 1", c),
        ("cases status=open", f"{c}?status=open"),
        ("cases page 100", f"{c}?page=100"),
        ("cases rule", f"{c}?rule=FREIGHT_STAGE"),
        ("cases firm+rule", f"{c}?firm_id={firm}&rule=FREIGHT_STAGE"),
        ("cases deny+open+firm+rule", f"{c}?decision=deny&status=open&firm_id={firm}&rule=FREIGHT_STAGE"),
        ("cases firm, one month", f"{c}?firm_id={firm}&from={month[0]}&to={month[1]}"),
        ("/cases page firm+rule", f"/cases?firm_id={firm}&rule=FREIGHT_STAGE"),
        ("/dashboard page", "/dashboard"),
        ("/violations page", "/violations"),
        ("delivery, every gate, one month", f"/api/v1/gates/delivery?from={month[0]}&to={month[1]}"),
        ("evaluation (API)", f"/api/v1/alerts/{alert}/evaluation"),
        ("/alerts/…/evaluation page", f"/alerts/{alert}/evaluation"),
        ("/clean-transport page (6 months)", "/clean-transport"),
    ]


def reports_to_time(found: dict) -> list[tuple[str, str, str]]:
    """The reports: (name, path, what must come back whole)."""
    month = local_day(60), local_day(31)
    quarter = local_day(120), local_day(31)
    firm, alert = found["firm"], found["alert"]
    ledger = f"/api/v1/firms/{firm}/ledger"
    return [
        ("violations CSV, one month", f"/api/v1/violations.csv?from={month[0]}&to={month[1]}", "csv"),
        ("violations CSV, three months", f"/api/v1/violations.csv?from={quarter[0]}&to={quarter[1]}", "csv"),
        ("violations XLSX, one month", f"/api/v1/violations.xlsx?from={month[0]}&to={month[1]}", "xlsx"),
        ("ledger CSV, busiest firm, one month", f"{ledger}.csv?from={month[0]}&to={month[1]}", "csv"),
        ("ledger XLSX, busiest firm, one month", f"{ledger}.xlsx?from={month[0]}&to={month[1]}", "xlsx"),
        ("evaluation XLSX", f"/api/v1/alerts/{alert}/evaluation.xlsx", "xlsx"),
    ]


def timed(session: requests.Session, url: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = session.get(url, timeout=300)
        times.append(time.perf_counter() - started)
        response.raise_for_status()
        if times[-1] > SLOW and len(times) >= 3:
            break
    return sorted(times)


def timed_cursor(session: requests.Session, url: str, repeat: int) -> list[float]:
    """Following next_cursor from page 1, `repeat` pages deep: the time of each next page."""
    cursor, times = session.get(url, timeout=300).json()["next_cursor"], []
    for _ in range(repeat):
        started = time.perf_counter()
        response = session.get(url, params={"cursor": cursor}, timeout=300)
        times.append(time.perf_counter() - started)
        response.raise_for_status()
        cursor = response.json()["next_cursor"]
    return sorted(times)


def fetched_report(session: requests.Session, url: str) -> tuple[float, int, int, str]:
    """One report downloaded as a user's browser would: (seconds, HTTP status, bytes, what it says of
    itself). A CSV or XLSX cut short by the server is told from a whole one by its last line or by
    whether the archive opens."""
    started = time.perf_counter()
    try:
        response = session.get(url, timeout=600)
        body = response.content
    except requests.RequestException as exc:
        return time.perf_counter() - started, 0, 0, f"cut: {type(exc).__name__}"
    took = time.perf_counter() - started
    return took, response.status_code, len(body), report_state(response, body)


def report_state(response: requests.Response, body: bytes) -> str:
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    if "csv" in response.headers.get("Content-Type", ""):
        lines = body.decode("utf-8-sig", errors="replace").rstrip("\r\n").splitlines()
        last = lines[-1] if lines else ""
        whole = "完整" in last or "complete" in last.lower()
        return f"{len(lines) - 1:,} lines, last: {last[:60]!r}" + ("" if whole else " (no trailer)")
    try:
        import zipfile
        from io import BytesIO

        names = zipfile.ZipFile(BytesIO(body)).namelist()
        return f"opens ({len(names)} parts)"
    except zipfile.BadZipFile:
        return "cut: not a whole XLSX"


def report(name: str, times: list[float], note: str = "") -> None:
    p50, p95 = percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000
    print(f"{name:<40} {p50:>7.0f}ms {p95:>7.0f}ms  {len(times):>3}  {note}", flush=True)


def percentile(times: list[float], q: float) -> float:
    return times[min(len(times) - 1, round(q * (len(times) - 1)))]


class PlanLog:
    """With --explain: auto_explain writes the plan (ANALYZE, BUFFERS) of every statement of the served
    registry over `min_ms` into the server's log; after each request its plans are copied to `out`."""

    def __init__(self, url: str, name: str, server_log: str | None, out: str | None, min_ms: int):
        self.log, self.out = (Path(server_log), Path(out)) if server_log and out else (None, None)
        self.url, self.name, self.min_ms = url, name, min_ms
        if self.log:
            self.out.write_text("", encoding="utf-8")
            self._database_settings(
                {
                    "session_preload_libraries": "auto_explain",
                    "auto_explain.log_min_duration": f"{min_ms}ms",
                    "auto_explain.log_analyze": "on",
                    "auto_explain.log_buffers": "on",
                    "auto_explain.log_nested_statements": "on",
                }
            )

    def _database_settings(self, settings: dict) -> None:
        engine = engine_for(self.url)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for key, value in settings.items():
                if value is None:
                    connection.execute(text(f'ALTER DATABASE "{self.name}" RESET {key}'))
                else:
                    connection.execute(text(f"ALTER DATABASE \"{self.name}\" SET {key} = '{value}'"))
        engine.dispose()

    def mark(self) -> int:
        return self.log.stat().st_size if self.log else 0

    def keep(self, request_name: str, since: int) -> None:
        if not self.log:
            return
        with self.log.open("rb") as log:
            log.seek(since)
            text_ = log.read().decode("utf-8", errors="replace")
        plans = [chunk for chunk in re.split(r"\n(?=\S+ \S+ \S+ \[\d+\] )", text_) if "duration:" in chunk]
        with self.out.open("a", encoding="utf-8") as out:
            out.write(f"\n===== {request_name}: {len(plans)} statements over {self.min_ms} ms =====\n")
            for plan in plans[:6]:
                out.write(plan.strip() + "\n\n")

    def close(self) -> None:
        if self.log:
            self._database_settings(dict.fromkeys(
                ("session_preload_libraries", "auto_explain.log_min_duration", "auto_explain.log_analyze",
                 "auto_explain.log_buffers", "auto_explain.log_nested_statements")))  # fmt: skip


def serve(url: str, folder: Path) -> tuple[subprocess.Popen, str]:
    """The registry as the container serves it (scripts/container_start.sh web: gunicorn's own timeout
    and workers), on a free port."""
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(folder),
        "FLASK_APP": "wsgi",
        "PORT": str(port),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    server = subprocess.Popen(
        ["sh", "scripts/container_start.sh", "web"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            requests.get(f"{base}/healthz", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.5)
    return server, base


def measure(url: str, name: str, folder: Path, args) -> None:
    credentials = json.loads((folder / "demo.json").read_text(encoding="utf-8"))
    plans = PlanLog(url, name, args.server_log, args.explain, args.explain_ms)
    server, base = serve(url, folder)
    repeat = args.repeat
    try:
        session = requests.Session()
        token = credentials["api_tokens"].get("demo-bureau") or next(iter(credentials["api_tokens"].values()))
        session.headers["Authorization"] = f"Bearer {token}"
        login = session.get(f"{base}/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        password = credentials["page_passwords"]["demo-bureau"]
        session.post(f"{base}/login", data={"csrf_token": csrf, "username": "demo-bureau", "password": password})
        engine = engine_for(url)
        found = samples(engine)
        engine.dispose()
        print(f"{'request':<40} {'p50':>9} {'p95':>9}  runs")
        only = re.compile(args.only) if args.only else None
        for label, path in requests_to_time(found):
            if only and not only.search(label):
                continue
            since = plans.mark()
            report(label, timed(session, base + path, repeat))
            plans.keep(label, since)
        for label, path in (
            ("violations next page (cursor)", "/api/v1/violations"),
            ("violations status=open next (cursor)", "/api/v1/violations?status=open&sort=plate"),
            ("events next page (cursor)", "/api/v1/events"),
            ("cases next page (cursor)", "/api/v1/cases"),
            ("cases status=open next (cursor)", "/api/v1/cases?status=open"),
        ):
            if only and not only.search(label):
                continue
            since = plans.mark()
            report(label, timed_cursor(session, base + path, repeat))
            plans.keep(label, since)
        if not only or only.search("ingest"):
            since = plans.mark()
            report("HTTP ingest, sequential pushes", ingest(base, credentials, args.pushes))
            plans.keep("HTTP ingest", since)
        for label, path, _ in reports_to_time(found):
            if only and not only.search(label):
                continue
            since = plans.mark()
            runs = [fetched_report(session, base + path) for _ in range(args.report_repeat)]
            plans.keep(label, since)
            _, _, size, state = runs[-1]
            report(label, sorted(run[0] for run in runs), f"{size / 1e6:.1f} MB, {state}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        plans.close()


def ingest(base: str, credentials: dict, pushes: int) -> list[float]:
    """A gate pushing reads over HTTP one after another, each a new pass of a registered truck."""
    gate_code, secret = next(iter(credentials["gate_secrets"].items()))
    times = []
    with requests.Session() as gate:
        gate.headers["Authorization"] = f"Bearer {secret}"
        for i in range(pushes):
            event = {"event_id": f"bench-{uuid.uuid4().hex}", "plate": f"晋K{i % 1000:05d}", "plate_color": "yellow",
                     "direction": "in", "captured_at": datetime.now(UTC).isoformat(), "confidence": 0.9}  # fmt: skip
            started = time.perf_counter()
            answer = gate.post(f"{base}/api/v1/gates/{gate_code}/events", json=event, timeout=60)
            times.append(time.perf_counter() - started)
            answer.raise_for_status()
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=20_000_000)
    parser.add_argument(
        "--months", type=int, default=26, help="span of the passes (the oldest months are due for retention)"
    )
    parser.add_argument("--retention", action="store_true", help="then time retention: a dry run, then a real one")
    parser.add_argument("--gates", type=int, default=600)
    parser.add_argument("--plates", type=int, default=100_000)
    parser.add_argument("--firms", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse", help="a database this script loaded before: measure only")
    parser.add_argument("--pushes", type=int, default=200, help="sequential HTTP gate pushes timed")
    parser.add_argument("--report-repeat", type=int, default=3, help="downloads of each report")
    parser.add_argument("--only", help="time only the requests whose name matches this regular expression")
    parser.add_argument("--explain", help="write the plans (EXPLAIN ANALYZE, BUFFERS) of slow statements here")
    parser.add_argument("--explain-ms", type=int, default=20, help="with --explain: statements slower than this")
    parser.add_argument(
        "--server-log", default="/var/log/postgresql/postgresql-15-main.log", help="the PostgreSQL server's log"
    )
    args = parser.parse_args()
    name = args.reuse or f"bench_scale_{uuid.uuid4().hex[:8]}"
    url = f"{args.server}/{name}"
    folder = Path(tempfile.gettempdir()) / name
    if not args.reuse:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        started = time.monotonic()
        flask(url, folder, "db", "upgrade")
        flask(url, folder, "partitions", "ensure", "--behind", str(args.months + 1))
        flask(url, folder, "demo", "seed", "--credentials", str(folder / "demo.json"))
        load(url, args)
        counted = time.monotonic()
        flask(url, folder, "statistics", "rebuild")
        flask(url, folder, "statistics", "delivery", "--days", "92")  # the daily job, for a quarter's reports
        flask(url, folder, "statistics", "clean-transport", "--months", "6")  # the page's six months
        # what production's autovacuum does over time: tables filled in bulk are not analysed at once (the
        # dashboard 416 ms and a cases search 109 ms at p95 before, 279 and 57 ms after)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-qc", "ANALYZE"], check=True)
        say(f"daily counts and delivery counted from the passes, analysed, in {time.monotonic() - counted:.0f} s")
        say(f"loaded in {time.monotonic() - started:.0f} s; database {name}, instance {folder}")
    measure(url, name, folder, args)
    if args.retention:
        for label, extra in (("retention --dry-run", ["--dry-run"]), ("retention run", [])):
            started = time.perf_counter()
            output = flask_output(url, folder, "retention", "run", *extra)
            print(f"{label:<38} {time.perf_counter() - started:>8.1f} s", flush=True)
            print("    " + output.strip().replace("\n", "\n    "), flush=True)
    print(f"database: {name} (drop it with: dropdb -h 127.0.0.1 -U postgres {name})")


if __name__ == "__main__":
    main()
