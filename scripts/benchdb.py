"""A fresh PostgreSQL database for a benchmark run, dropped afterwards (or the URL given)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from registry.config import database_url


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
