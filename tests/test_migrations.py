"""The migrations alone build the schema: upgrade from empty to head and back, on this engine.

Runs `flask db` in a subprocess against a database of its own, as an operator would.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from registry.config import database_url

ROOT = Path(__file__).resolve().parent.parent
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
}


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database on the engine the suite runs on."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = make_url(database_url(server, "TEST_DATABASE_URL"))
    name = f"migration_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def flask_db(url: str, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"FLASK_APP": "wsgi", "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "flask", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
