"""Databases of a test's own, on the engine the suite runs on, for processes other than pytest."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from registry.config import database_url

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def empty_database(tmp_path: Path):
    """Yield the URL of a new, empty database; PostgreSQL when TEST_DATABASE_URL says so."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / f'own-{uuid.uuid4().hex[:6]}.sqlite3'}"
        return
    with database_named(database_url(server, "TEST_DATABASE_URL"), f"test_{uuid.uuid4().hex[:10]}") as url:
        yield url


@contextmanager
def database_named(server_url: str, name: str):
    """A new PostgreSQL database `name` on the server of `server_url` (one of the same name left by an
    earlier run dropped first), dropped after; yields its URL."""
    url = make_url(server_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def flask_cli(url: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `flask ...` against `url` as an operator would."""
    full_env = os.environ | {"FLASK_APP": "wsgi", "DATABASE_URL": url} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=180
    )
