"""The migrations alone build the schema: upgrade from empty to head and back, on this engine.

Runs `flask db` in a subprocess against a database of its own, as an operator would.
"""

import pytest
from sqlalchemy import create_engine, inspect

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
