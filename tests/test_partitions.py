"""Monthly partitions on PostgreSQL (issue 15): where passes land, keys and references that hold across
months, months made ahead, and retention that drops a whole month but keeps its evidence."""

import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from registry.cases.models import Case
from registry.common.time import today_local
from registry.events.models import PassImage, PlateEvent, PlateRead, Verdict, Violation, ViolationStatus
from registry.extensions import db
from registry.gates.services import create_gate
from registry.partitions.months import add_months, partition_name
from registry.partitions.services import ensure, is_partitioned, months
from registry.violations.services import review_violation
from tests.support.violations import jpeg

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture(autouse=True)
def postgres_only(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite keeps plain tables: partitions are PostgreSQL's")


@pytest.fixture
def gate(make_firm):
    firm = make_firm(name="焦化集团", industry="coking", in_planning_area=True, annual_freight_tonnes=2_000_000)
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    return gate, {"Authorization": f"Bearer {secret}"}


def post(client, gate, event_id: str, day: date, plate: str = "晋H77777", **extra):
    body = {"event_id": event_id, "plate": plate, "plate_color": "yellow", "direction": "in"}
    answer = client.post(
        f"/api/v1/gates/{gate[0].code}/events",
        json=body | {"captured_at": f"{day.isoformat()}T10:00:00+08:00", "confidence": 0.9} | extra,
        headers=gate[1],
    )
    assert answer.status_code in (200, 201), answer.get_json()
    return answer.get_json()


def partition_of(model, pass_id: int) -> str:
    column = model.id if model is PlateEvent else model.plate_event_id
    return db.session.scalar(select(text("tableoid::regclass::text")).select_from(model).where(column == pass_id))


def test_the_months_around_today_are_partitioned_with_their_references():
    assert is_partitioned()
    this_month = today_local().replace(day=1)
    assert {add_months(this_month, n) for n in range(-2, 4)} <= set(months())
    references = set(db.session.scalars(text("SELECT conname FROM pg_constraint WHERE conname LIKE 'fk\\_%\\_pass'")))
    for table in ("verdicts", "plate_reads", "pass_images", "violations", "cases"):
        assert f"fk_{partition_name(table, this_month)}_pass" in references
        assert f"fk_{table}_default_pass" in references
    key = db.session.scalar(
        text(
            "SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
            "WHERE c.conname = 'uq_plate_reads_gate_id_event_id'"
        )
    )
    assert key == "gate_id,event_id,pass_at"


def test_a_pass_and_what_hangs_off_it_land_in_its_month(client, gate):
    day = today_local() - timedelta(days=1)
    answer = post(client, gate, "p-1", day, images={"plate": jpeg()})
    month = partition_name("plate_events", day.replace(day=1))
    assert partition_of(PlateEvent, answer["id"]) == month
    for model, table in ((PlateRead, "plate_reads"), (Verdict, "verdicts"), (PassImage, "pass_images")):
        assert partition_of(model, answer["id"]) == partition_name(table, day.replace(day=1))
    assert partition_of(Violation, answer["id"]) == partition_name("violations", day.replace(day=1))
    assert partition_of(Case, answer["id"]) == partition_name("cases", day.replace(day=1))


def test_a_pass_no_month_holds_is_kept_in_the_default_partition(client, gate, bureau):
    answer = post(client, gate, "old-1", date(2015, 6, 1))
    assert partition_of(PlateEvent, answer["id"]) == "plate_events_default"
    assert partition_of(PlateRead, answer["id"]) == "plate_reads_default"
    found = client.get("/api/v1/events", query_string={"from": "2015-06-01", "to": "2015-06-01"}, headers=bureau)
    assert [e["id"] for e in found.get_json()["items"]] == [answer["id"]]  # found like any other pass


def test_a_resent_read_is_found_in_another_month(client, gate):
    """The unique key holds within a month; across months ingest finds the read first (under the
    gate's lock): a camera that resends an event with a corrected clock makes no second pass."""
    this_month = today_local().replace(day=1)
    first = post(client, gate, "r-1", this_month - timedelta(days=3))
    again = post(client, gate, "r-1", this_month + timedelta(days=1))
    assert again["outcome"] == "duplicate" and again["id"] == first["id"]
    assert db.session.scalar(select(func.count()).select_from(PlateRead).where(PlateRead.event_id == "r-1")) == 1


def test_a_read_of_no_pass_is_refused_by_its_months_reference(client, gate):
    day = today_local()
    answer = post(client, gate, "f-1", day)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            text(
                "INSERT INTO plate_reads (plate_event_id, pass_at, gate_id, event_id, plate_raw, captured_at, "
                "received_at, source, backlog) VALUES (:pass, :at, :gate, 'f-2', 'x', :at, :at, 'http', false)"
            ),
            {"pass": answer["id"] + 1000, "at": f"{day.isoformat()}T10:00:00+08:00", "gate": gate[0].id},
        )


def test_ensure_makes_months_and_reports_one_the_default_partition_holds(client, gate):
    far = add_months(today_local().replace(day=1), 30)
    made = ensure(far, far)
    assert made.created == [far] and far in months()
    assert ensure(far, far).created == []  # once
    old = date(2016, 3, 1)
    post(client, gate, "d-1", old + timedelta(days=4))  # into the default partition
    refused = ensure(old, old)
    assert refused.created == [] and refused.skipped[0][0] == old


def test_retention_drops_a_whole_month_and_keeps_its_evidence(client, runner, gate, make_user):
    month = add_months(today_local().replace(day=1), -30)
    ensure(month, month)
    db.session.commit()
    ids = [post(client, gate, f"m-{n}", month + timedelta(days=n), images={"plate": jpeg()})["id"] for n in range(3)]
    officer, _ = make_user("police")
    evidence = db.session.scalars(select(Violation).where(Violation.plate_event_id == ids[0])).all()
    assert evidence, "the unregistered truck raises a violation"
    review_violation(officer, evidence[0], ViolationStatus.CONFIRMED, "处罚依据")
    db.session.commit()

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{month:%Y-%m}" in dry.output and set(
        db.session.scalars(select(PlateEvent.id).where(PlateEvent.id.in_(ids)))
    ) == set(ids)

    run = runner.invoke(args=["retention", "run"])
    assert run.exit_code == 0, run.output
    assert f"whole months dropped (partitions): {month:%Y-%m}" in run.output
    db.session.expire_all()
    assert set(db.session.scalars(select(PlateEvent.id).where(PlateEvent.id.in_(ids)))) == {ids[0]}
    kept = db.session.get(PlateEvent, ids[0])
    assert kept.verdict is not None and kept.reads and kept.images
    assert partition_of(PlateEvent, ids[0]) == partition_name("plate_events", month)
    assert db.session.get(Violation, evidence[0].id).status == ViolationStatus.CONFIRMED
    assert db.session.get(Case, ids[0]).status == ViolationStatus.CONFIRMED  # the case is evidence too
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.plate_event_id.in_(ids))) == 1
    assert f"fk_{partition_name('plate_reads', month)}_pass" in set(
        db.session.scalars(text("SELECT conname FROM pg_constraint WHERE conname LIKE 'fk\\_%\\_pass'"))
    )
    again = runner.invoke(args=["retention", "run", "--dry-run"])
    assert "ledger rows (passes) captured before" in again.output
    with pytest.raises(IntegrityError), db.session.begin_nested():  # the guards hold on the new month
        db.session.execute(text("DELETE FROM violations WHERE id = :id"), {"id": evidence[0].id})


def test_the_daily_job_makes_months_and_analyses_the_partitioned_tables(runner, client, gate):
    post(client, gate, "a-1", today_local())
    done = runner.invoke(args=["partitions", "ensure"])
    assert done.exit_code == 0, done.output
    assert "analysed" in done.output and f"{today_local():%Y-%m}" in done.output
    analysed = db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'plate_events'"))
    assert analysed >= 1  # a partitioned table has no statistics (-1) until ANALYZE


def test_a_month_analysed_empty_has_its_statistics_taken_again_once_written(tmp_path):
    """The migrations analyse the empty months; the foreign-key checks each child row makes against its
    month are then planned as scans of the whole month. Once written, the month's statistics are taken
    again (by the gateway where autovacuum is off: registry.partitions.statistics)."""
    from registry import create_app
    from registry.partitions.statistics import analyze_stale, stale_partitions
    from tests.support.databases import empty_database, flask_cli

    with empty_database(tmp_path) as url:
        assert flask_cli(url, "db", "upgrade").returncode == 0
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            month = partition_name("plate_events", today_local().replace(day=1))
            analysed = "SELECT reltuples FROM pg_class WHERE relname = :t"
            assert db.session.scalar(text(analysed), {"t": month}) == 0  # analysed empty by the migration
            db.session.execute(
                text(
                    "INSERT INTO firms (name, industry, annual_freight_tonnes, in_planning_area, performance_grade, "
                    "created_at, updated_at) VALUES ('f', 'steel', 0, false, 'A', now(), now())"
                )
            )
            db.session.execute(
                text(
                    "INSERT INTO gates (firm_id, name, code, secret_hash, active, created_at, updated_at) "
                    "SELECT id, 'g', 'G1', 'x', true, now(), now() FROM firms"
                )
            )
            db.session.execute(
                text(
                    "INSERT INTO plate_events (gate_id, event_id, plate_raw, plate, direction, captured_at, "
                    "received_at, read_count, colour_disagrees, time_source) SELECT (SELECT id FROM gates), "
                    "'e' || n, '晋H12345', '晋H12345', 'in', now() - n * interval '1 second', now(), 1, false, "
                    "'camera' FROM generate_series(1, 500) n"
                )
            )
            db.session.commit()
            for _ in range(100):  # a committed transaction's counts reach pg_stat within a second or so
                if month in stale_partitions():
                    break
                db.session.rollback()  # a transaction sees one snapshot of the statistics
                time.sleep(0.1)
            assert month in analyze_stale(force=True)
            db.session.commit()
            assert db.session.scalar(text(analysed), {"t": month}) >= 400
            assert month not in stale_partitions()
        with app.app_context():
            db.engine.dispose()
