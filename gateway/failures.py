"""When storing a message fails: whose fault it is, and what a message that keeps failing becomes.

- The database is unavailable (connection lost, locked, out of space, shut down, a deadlock): nothing
  is acknowledged, the batch waits and is tried again.
- The message itself is wrong (PostgreSQL refuses its data or a constraint, a check of ours fails on
  it): it becomes a dead letter with the reason, and the stream goes on.
- Anything else, or an "unavailable" database that answers a ping while the message keeps failing, or
  a store process that died while storing it: the message is counted in store_failures, which outlives
  restarts, and after MAX_FAILURES it becomes a dead letter too. No message can keep the gateway in a
  crash loop.
"""

from __future__ import annotations

import contextlib
import hashlib
from enum import Enum
from pathlib import Path

from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from registry.common.text import printable
from registry.common.time import utcnow
from registry.events.models import StoreFailure
from registry.extensions import db, write_transactions

MAX_FAILURES = 3

# PostgreSQL SQLSTATE classes: the server or the connection is in trouble, whatever the message.
_UNAVAILABLE = {"08", "40", "53", "57", "58"}  # connection, rollback (deadlock), resources, operator, system
_LOCK_NOT_AVAILABLE = "55P03"
# ... or the message's own data: data exception, integrity constraint, program limit (a value too large).
_OF_THE_MESSAGE = {"22", "23", "54"}


class Kind(Enum):
    UNAVAILABLE = "unavailable"
    MESSAGE = "message"
    UNKNOWN = "unknown"


def failure_kind(exc: BaseException) -> Kind:
    """Whose fault a failure to store is: the database's, the message's, or unknown."""
    if isinstance(exc, PoolTimeout | OSError):  # no connection to be had; the picture folder full
        return Kind.UNAVAILABLE
    if not isinstance(exc, DBAPIError):
        return Kind.UNKNOWN if isinstance(exc, MemoryError) else Kind.MESSAGE
    if exc.connection_invalidated:
        return Kind.UNAVAILABLE
    state = getattr(exc.orig, "sqlstate", None)  # psycopg
    if state:
        if state[:2] in _UNAVAILABLE or state == _LOCK_NOT_AVAILABLE:
            return Kind.UNAVAILABLE
        return Kind.MESSAGE if state[:2] in _OF_THE_MESSAGE else Kind.UNKNOWN
    if isinstance(exc, OperationalError | InterfaceError) and exc.orig.__class__.__module__.startswith("psycopg"):
        return Kind.UNAVAILABLE  # psycopg's own: the connection failed before the server said anything
    if isinstance(exc, OperationalError):  # SQLite: locked, I/O error, disk full
        return Kind.UNAVAILABLE
    if isinstance(exc, IntegrityError) or exc.orig.__class__.__name__ in ("DataError", "InterfaceError"):
        return Kind.MESSAGE  # SQLite: a constraint; a value too big; a value it cannot bind
    return Kind.UNKNOWN


def describe(exc: BaseException) -> str:
    """The reason kept with a dead letter or a counted failure: what the driver said, as storable text."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    return printable(f"{cause.__class__.__name__}: {cause}".strip())[:4000]


def message_key(topic: str, payload: bytes) -> str:
    """What identifies one message across redeliveries and restarts."""
    return hashlib.sha256(topic.encode() + b"\0" + payload).hexdigest()


def database_answers() -> bool:
    """Whether the database takes a write transaction now (on SQLite: the write lock is free)."""
    try:
        with write_transactions():
            db.session.execute(text("SELECT 1"))
        return True
    except DBAPIError:
        return False
    finally:
        with contextlib.suppress(DBAPIError):
            db.session.rollback()
        db.session.remove()


def known_failures() -> dict[str, int]:
    """Every message counted so far, with its count."""
    try:
        return dict(db.session.execute(select(StoreFailure.key, StoreFailure.attempts)).all())
    finally:
        db.session.remove()


def count_failure(key: str, topic: str | None, error: str) -> int:
    """Count one more failure of a message, in a transaction of its own; how many there have been."""
    now = utcnow()
    try:
        with write_transactions():
            counted = db.session.execute(
                update(StoreFailure)
                .where(StoreFailure.key == key)
                .values(attempts=StoreFailure.attempts + 1, error=error, last_failed_at=now)
                .returning(StoreFailure.attempts)
            ).scalar()
            if counted is None:
                db.session.add(StoreFailure(key=key, topic=topic and topic[:300], attempts=1, error=error))
                counted = 1
            db.session.commit()
        return counted
    except IntegrityError:  # another gateway counted it first: count on top of its row
        db.session.rollback()
        return count_failure(key, topic, error)
    finally:
        db.session.remove()


def forget_failure(key: str) -> None:
    """The message was stored or dead-lettered: in the caller's transaction, it is counted no more."""
    db.session.execute(StoreFailure.__table__.delete().where(StoreFailure.__table__.c.key == key))


MAX_WORKERS = 16  # store workers of one gateway (GATEWAY_WORKERS)


class InFlight:
    """A small file naming the messages the store loop is storing now. A store process that dies
    (a crash in a picture decoder, the kernel's out-of-memory killer) leaves it behind, and the next
    one counts those messages as failures before it takes the first batch; also those of `others`,
    the files of workers an earlier run had and this one has not."""

    def __init__(self, path: Path | None, others: list[Path] = ()):
        self.path = path
        self.others = list(others)

    def mark(self, keys: list[str]) -> None:
        if self.path:
            self.path.write_text("\n".join(keys))

    def clear(self) -> None:
        if self.path:
            self.path.write_text("")
        for other in self.others:
            other.unlink(missing_ok=True)

    def left_behind(self) -> list[str]:
        keys = []
        for path in (self.path, *self.others):
            if path and path.exists():
                keys += [line for line in path.read_text().split("\n") if len(line) == 64]
        return keys


def in_flight_file(instance_path: str, client_id: str, index: int = 0) -> Path:
    """The marker of store worker `index` of the gateway `client_id`."""
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in client_id)
    return folder / (f"gateway-{safe}.inflight" if index == 0 else f"gateway-{safe}-{index}.inflight")


__all__ = [
    "MAX_FAILURES",
    "MAX_WORKERS",
    "InFlight",
    "Kind",
    "count_failure",
    "database_answers",
    "describe",
    "failure_kind",
    "forget_failure",
    "in_flight_file",
    "known_failures",
    "message_key",
]
