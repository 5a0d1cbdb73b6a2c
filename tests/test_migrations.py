"""The migrations alone build the schema: upgrade from empty to head and back, on this engine.

Runs `flask db` in a subprocess against a database of its own, as an operator would.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, inspect, text

from registry.policies.sets import set_id_of
from tests.support.databases import empty_database as own_database
from tests.support.databases import flask_cli

EXPECTED_TABLES = {
    "firms",
    "gates",
    "vehicles",
    "construction_units",
    "sites",
    "machinery",
    "site_declarations",
    "inspections",
    "alerts",
    "exemptions",
    "plate_events",
    "verdicts",
    "violations",
    "users",
    "api_tokens",
    "audit_log",
    "policies",
    "plate_reads",
    "pass_images",
    "dead_letters",
    "policy_sets",
    "cases",
}


@pytest.fixture
def empty_database(tmp_path):
    with own_database(tmp_path) as url:
        yield url


def flask_db(url: str, *args: str):
    return flask_cli(url, "db", *args)


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_to_head_matches_the_models_and_downgrade_empties(empty_database):
    up = flask_db(empty_database, "upgrade")
    assert up.returncode == 0, up.stderr
    assert tables(empty_database) >= EXPECTED_TABLES

    check = flask_db(empty_database, "check")  # models and migrations describe the same schema
    assert check.returncode == 0, check.stdout + check.stderr

    down = flask_db(empty_database, "downgrade", "base")
    assert down.returncode == 0, down.stderr
    assert tables(empty_database) <= {"alembic_version"}

    again = flask_db(empty_database, "upgrade")
    assert again.returncode == 0, again.stderr


PASSES = 3000


def _load_passes_at_0013(url: str) -> None:
    """A district as it stood before 0014: passes, verdicts, violations (some confirmed, some naming an
    alert), written with the columns of that revision."""
    engine = create_engine(url)
    postgres = engine.dialect.name == "postgresql"
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def at(moment: datetime):
        return moment if postgres else moment.replace(tzinfo=None)

    now = at(start)
    with engine.begin() as connection:
        run = lambda sql, rows: connection.execute(text(sql), rows)  # noqa: E731
        run(
            "INSERT INTO firms (id, name, industry, annual_freight_tonnes, in_planning_area, performance_grade, "
            "created_at, updated_at) VALUES (:id, :name, 'steel', 2000000, true, 'B', :now, :now)",
            [{"id": i, "name": f"企业{i}", "now": now} for i in (1, 2)],
        )
        run(
            "INSERT INTO gates (id, firm_id, name, code, secret_hash, active, created_at, updated_at) "
            "VALUES (:id, :firm, :name, :code, 'x', true, :now, :now)",
            [{"id": i, "firm": 1 + i % 2, "name": f"门{i}", "code": f"G{i}", "now": now} for i in (1, 2, 3)],
        )
        run(
            "INSERT INTO alerts (id, level, starts_at, ends_at, created_at, updated_at) "
            "VALUES (1, 'orange', :s, :e, :s, :s)",
            {"s": now, "e": at(start + timedelta(days=3))},
        )
        passes, verdicts, violations = [], [], []
        for i in range(1, PASSES + 1):
            moment = at(start + timedelta(minutes=7 * i))  # some 15 days, across local midnights
            passes.append({"id": i, "gate": 1 + i % 3, "event": f"e{i}", "plate": f"晋K{i % 50:05d}", "at": moment})
            decision = "deny" if i % 5 == 0 else "pass"
            findings = '[{"rule": "PHASE_OUT", "severity": "deny"}]' if decision == "deny" else "[]"
            policies = "[1, 5]" if i % 2 else "[1]"
            verdicts.append({"pass": i, "decision": decision, "at": moment, "findings": findings, "policies": policies})
            if decision == "deny":
                violations.append(
                    {
                        "pass": i,
                        "rule": "STAGGERED_TRANSPORT" if i % 10 == 0 else "PHASE_OUT",
                        "status": "confirmed" if i % 15 == 0 else "open",
                        "alert": 1 if i % 10 == 0 else None,
                        "at": moment,
                    }
                )
        run(
            "INSERT INTO plate_events (id, gate_id, event_id, plate_raw, plate, plate_color, direction, "
            "captured_at, received_at, confidence, read_count, colour_disagrees, time_source) "
            "VALUES (:id, :gate, :event, :plate, :plate, 'yellow', 'in', :at, :at, 0.9, 1, false, 'camera')",
            passes,
        )
        run(
            "INSERT INTO verdicts (plate_event_id, decision, findings, policy_ids, stage_inferred, evaluated_at) "
            "VALUES (:pass, :decision, :findings, :policies, false, :at)",
            verdicts,
        )
        run(
            "INSERT INTO violations (plate_event_id, rule, severity, status, alert_id, created_at, updated_at) "
            "VALUES (:pass, :rule, 'deny', :status, :alert, :at, :at)",
            violations,
        )
    engine.dispose()


def test_the_city_scale_migration_runs_on_a_database_that_holds_passes(empty_database):
    """0014 on stored passes: violations get their pass's columns, the daily counts equal the passes,
    the evidence guards still hold, and (PostgreSQL) the ids are 64-bit."""
    assert flask_db(empty_database, "upgrade", "0013").returncode == 0
    _load_passes_at_0013(empty_database)
    up = flask_db(empty_database, "upgrade")
    assert up.returncode == 0, up.stderr
    engine = create_engine(empty_database)
    try:
        with engine.connect() as connection:
            one = lambda sql: connection.execute(text(sql)).scalar()  # noqa: E731
            assert one("SELECT count(*) FROM violations") == PASSES // 5
            assert (
                one(
                    "SELECT count(*) FROM violations v JOIN plate_events pe ON pe.id = v.plate_event_id "
                    "JOIN gates g ON g.id = pe.gate_id WHERE v.captured_at = pe.captured_at AND v.gate_id = pe.gate_id "
                    "AND v.firm_id = g.firm_id AND v.plate = pe.plate"
                )
                == PASSES // 5
            )
            assert one("SELECT count(*) FROM violations WHERE alert_level = 'orange'") == PASSES // 10
            assert one("SELECT sum(passes) FROM daily_passes") == PASSES
            assert one("SELECT sum(passes) FROM daily_passes WHERE decision = 'deny'") == PASSES // 5
            assert one("SELECT sum(violations) FROM daily_violations") == PASSES // 5
            assert one("SELECT count(DISTINCT day) FROM daily_passes") >= 14
            # 0016: the two policy lists became two sets; only denies keep findings
            assert one("SELECT count(*) FROM policy_sets") == 2
            assert one("SELECT count(DISTINCT policy_set_id) FROM verdicts WHERE policy_set_id IS NOT NULL") == 2
            assert one("SELECT count(*) FROM verdicts WHERE findings IS NULL") == PASSES - PASSES // 5
            assert one("SELECT count(*) FROM verdicts WHERE decision = 'deny' AND findings IS NOT NULL") == PASSES // 5
            # 0017: one case per pass with violations, carrying the pass's time, firm and rules
            assert one("SELECT count(*) FROM cases") == PASSES // 5
            assert (
                one(
                    "SELECT count(*) FROM cases c JOIN violations v ON v.plate_event_id = c.plate_event_id "
                    "AND v.captured_at = c.captured_at AND v.firm_id = c.firm_id AND c.rules = v.rule"
                )
                == PASSES // 5
            )
            assert one("SELECT count(*) FROM cases WHERE decision = 'deny'") == PASSES // 5
            confirmed = len([i for i in range(1, PASSES + 1) if i % 15 == 0])
            assert one("SELECT count(*) FROM cases WHERE status = 'confirmed'") == confirmed
            sets = dict(connection.execute(text("SELECT id, policy_ids FROM policy_sets")).all())
            ids = {i: v if isinstance(v, list) else json.loads(v) for i, v in sets.items()}
            assert {set_id_of(v) for v in ids.values()} == set(ids) and sorted(ids.values()) == [[1], [1, 5]]
            if engine.dialect.name == "postgresql":
                types = connection.execute(
                    text(
                        "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
                        "WHERE column_name IN ('id', 'plate_event_id') AND table_name IN "
                        "('plate_events', 'plate_reads', 'pass_images', 'verdicts', 'violations')"
                    )
                ).all()
                assert len(types) == 9 and {t for _, t in types} == {"bigint"}, types
        for refused in ("DELETE FROM violations WHERE status = 'confirmed'", "DELETE FROM plate_events WHERE id = 15"):
            with pytest.raises(Exception, match="confirmed violations and their evidence"), engine.begin() as c:
                c.execute(text(refused))
    finally:
        engine.dispose()
    down = flask_db(empty_database, "downgrade", "0013")
    assert down.returncode == 0, down.stderr
    engine = create_engine(empty_database)
    try:
        with engine.connect() as connection:
            back = connection.execute(text("SELECT policy_ids, findings FROM verdicts WHERE plate_event_id = 5")).one()
            assert [json.loads(v) if isinstance(v, str) else v for v in back] == [
                [1, 5],
                [{"rule": "PHASE_OUT", "severity": "deny"}],
            ]
    finally:
        engine.dispose()
