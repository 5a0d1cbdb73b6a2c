"""Reads from a streaming replica (DATABASE_READ_URL), writes on the primary.

The views that only search, export or summarise (`@reads_from_replica`) send their SELECTs to the
replica; everything else, every flush, every SELECT ... FOR UPDATE and every statement that is not a
SELECT goes to the primary. A replica lags a little behind: reads go back to the primary for the rest
of a request that wrote, and for PRIMARY_AFTER_WRITE_SECONDS after a page request that wrote (its
session cookie says so), so that a reviewer who has just confirmed a violation finds it confirmed in
the list. Without DATABASE_READ_URL everything reads the one database, as before.

The session class follows SQLAlchemy's routing-session recipe (Session.get_bind) on Flask-SQLAlchemy's
own session, which chooses engines by bind key: the replica is the bind "replica"."""

from __future__ import annotations

import time
from functools import wraps

from flask import current_app, g, has_request_context, session
from flask_sqlalchemy.session import Session
from sqlalchemy import Select, event

REPLICA = "replica"


def _wanted() -> bool:
    """Set for the whole request, a streamed export's rows included (they are read after the view
    returned, in its request context)."""
    return has_request_context() and bool(g.get("replica_reads"))


class RoutingSession(Session):
    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and _wanted() and self._reads_may_lag() and _is_plain_read(clause):
            engine = self._db.engines.get(REPLICA)
            if engine is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    def _reads_may_lag(self) -> bool:
        return not (self._flushing or self.info.get("wrote") or _primary_after_write())


def _is_plain_read(clause) -> bool:
    return isinstance(clause, Select) and clause._for_update_arg is None


def _primary_after_write() -> bool:
    return bool(g.get("wrote")) or session.get("primary_until", 0) > time.time()


@event.listens_for(RoutingSession, "after_flush")
def _wrote(db_session, _context):
    if db_session.new or db_session.dirty or db_session.deleted:
        db_session.info["wrote"] = True


@event.listens_for(RoutingSession, "after_commit")
def _committed(db_session):
    if db_session.info.pop("wrote", False) and has_request_context():
        g.wrote = True


def reads_from_replica(view):
    """The view's SELECTs go to the replica (when one is configured)."""

    @wraps(view)
    def routed(*args, **kwargs):
        g.replica_reads = True
        return view(*args, **kwargs)

    return routed


def remember_writes(app) -> None:
    """A page request that wrote reads from the primary for a while after (its session cookie)."""

    @app.after_request
    def _remember(response):
        if g.get("wrote") and current_app.config.get("DATABASE_READ_URL") and "_user_id" in session:
            session["primary_until"] = time.time() + current_app.config["PRIMARY_AFTER_WRITE_SECONDS"]
        return response
