"""Statements built once per database dialect and reused on hot paths.

Building a SQLAlchemy statement and its cache key costs more than running it (measured on the gateway's
look-ups: about 1.5 ms to build and run against 0.6 ms to run a prebuilt one), so the gate ingest
builds its per-batch look-ups once. Lists of values go as one array parameter on PostgreSQL
(`= ANY(:values)`): one statement text whatever the number of values, which the server plans as
index probes; elsewhere as an expanding IN list.
"""

from collections.abc import Callable
from functools import cache

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY

from registry.extensions import db


def one_of(column, name: str, dialect: str):
    """`column IN :name` for a list given at execution."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def prebuilt(build: Callable[[str], object]) -> Callable[[], object]:
    """Decorate `build(dialect_name) -> statement`: the statement is built once per dialect."""
    built = cache(build)

    def statement():
        return built(db.session.get_bind().dialect.name)

    statement.__doc__ = build.__doc__
    return statement
