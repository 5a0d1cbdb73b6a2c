"""A fresh PostgreSQL database for a benchmark run, dropped afterwards (or the URL given), and the demo
district seeded into it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from registry.config import database_url

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(url: str | None, prefix: str = "bench") -> tuple[str, Callable[[], None]]:
    """(the database URL, a function that drops it); a given URL is used as it is and kept."""
    if url:
        return url, lambda: None
    server = make_url(database_url("postgresql://postgres@127.0.0.1:5432/postgres"))
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return server.set(database=name).render_as_string(hide_password=False), drop


@dataclass
class DemoDistrict:
    env: dict  # the environment the registry's processes run in: this database, this instance folder
    gate_secrets: dict[str, str]  # gate code -> secret
    plates: list[str]  # the registered vehicles' plates


def demo_district(url: str, folder: Path) -> DemoDistrict:
    """Migrate the database at `url` and seed the demo district into it, as `flask` would."""
    env = os.environ | {"DATABASE_URL": url, "INSTANCE_PATH": str(folder), "FLASK_APP": "wsgi"}
    for command in (["db", "upgrade"], ["demo", "seed", "--credentials", str(folder / "demo.json")]):
        subprocess.run([sys.executable, "-m", "flask", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    engine = create_engine(url)
    with engine.connect() as connection:
        plates = [row[0] for row in connection.execute(text("SELECT plate FROM vehicles"))]
    engine.dispose()
    return DemoDistrict(env, json.loads((folder / "demo.json").read_text())["gate_secrets"], plates)
