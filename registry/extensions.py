"""Extensions created once and bound with init_app, so the gateway can use `db` without pages."""

import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from registry.common.replica import RoutingSession
from registry.common.rest import Api

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})  # reads may go to a replica
migrate = Migrate(render_as_batch=True)  # SQLite alters tables by copying them
api = Api()
login_manager = LoginManager()  # pages: a session cookie after a password login
csrf = CSRFProtect()  # pages only: the API authenticates by bearer token, never by cookie


_writing: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def write_transactions():
    """Transactions begun inside are for writing. On SQLite they take the write lock at BEGIN
    (BEGIN IMMEDIATE) and so wait their turn behind another writer; a transaction that read first
    and then tried to write would fail at once (SQLITE_BUSY), whatever the busy timeout. PostgreSQL
    needs nothing of the kind."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def mark_write_requests(app) -> None:
    """A request that may change something (any method but GET, HEAD and OPTIONS) writes."""

    @app.before_request
    def _writes():
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g.write_transactions = _writing.set(True)

    @app.teardown_request
    def _done(_error):
        token = g.pop("write_transactions", None)
        if token is not None:
            _writing.reset(token)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    # pysqlite's own transaction handling breaks SAVEPOINT and ignores foreign keys:
    # let SQLAlchemy emit BEGIN itself (see _sqlite_on_begin) and enforce keys. WAL lets readers
    # (pages) go on while the gateway or a push writes. The busy timeout is sqlite3's `timeout`
    # (SQLITE_BUSY_TIMEOUT_SECONDS, in the engine options).
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")
