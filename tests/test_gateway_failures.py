"""The gateway's store, in this process on the test database: each failure is handled as its kind says.

A failure of one message dead-letters that message and the rest of its batch is stored; a failure no
error class explains is counted across restarts (and a store process that died storing a message
counts too), and after a few the message becomes a dead letter instead of a crash loop."""

import json
import threading
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

import gateway.batches as batches
import gateway.consumer as consumer
from gateway.consumer import Inbound, Store
from gateway.failures import MAX_FAILURES, InFlight, Kind, failure_kind, message_key
from registry.events.models import DeadLetter, PlateEvent, StoreFailure
from registry.extensions import db
from registry.gates.services import create_gate

POISON = "晋H66666"


@pytest.fixture
def gate(make_firm):
    gate, _ = create_gate(None, make_firm(), "东门")
    db.session.commit()
    return gate.code


def inbound(gate: str, index: int, plate: str | None = None) -> Inbound:
    body = {
        "event_id": f"e-{index}",
        "plate": plate or f"晋H{index:05d}",
        "plate_color": "yellow",
        "direction": "in",
        "captured_at": datetime.now(UTC).isoformat(),
    }
    return Inbound(f"gates/{gate}/events", json.dumps(body).encode(), index, 1, 1)


def db_error(error_class, message: str = "refused") -> DBAPIError:
    """What SQLAlchemy raises when the driver raises `error_class` (a real psycopg error)."""
    return DBAPIError.instance("INSERT ...", None, error_class(message), psycopg.Error)


class Poisoned:
    """record_plate_events, failing with `error` whenever a batch holds the poison plate."""

    def __init__(self, error: Exception):
        self.error, self.calls = error, 0
        self.real = batches.record_plate_events

    def __call__(self, arrivals, *args, **kwargs):
        if any(a.read["plate"] == POISON for a in arrivals):
            self.calls += 1
            raise self.error
        return self.real(arrivals, *args, **kwargs)


@pytest.fixture
def store(app):
    store = Store(app)
    store.first_delay = 0.01
    return store


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (db_error(psycopg.errors.UntranslatableCharacter, "unsupported Unicode escape sequence"), Kind.MESSAGE),
        (
            db_error(psycopg.errors.CharacterNotInRepertoire, "invalid byte sequence for encoding UTF8: 0x00"),
            Kind.MESSAGE,
        ),
        (db_error(psycopg.errors.NumericValueOutOfRange, "integer out of range"), Kind.MESSAGE),
        (db_error(psycopg.errors.ProgramLimitExceeded, "index row size exceeds maximum"), Kind.MESSAGE),
        (db_error(psycopg.errors.UniqueViolation), Kind.MESSAGE),
        (db_error(psycopg.errors.AdminShutdown, "terminating connection"), Kind.UNAVAILABLE),
        (db_error(psycopg.errors.DiskFull, "could not extend file"), Kind.UNAVAILABLE),
        (db_error(psycopg.errors.DeadlockDetected), Kind.UNAVAILABLE),
        (db_error(psycopg.errors.QueryCanceled, "statement timeout"), Kind.UNAVAILABLE),
        (db_error(psycopg.errors.LockNotAvailable), Kind.UNAVAILABLE),
        (db_error(psycopg.OperationalError, "connection failed"), Kind.UNAVAILABLE),
        (db_error(psycopg.errors.InternalError_, "unexpected"), Kind.UNKNOWN),
        (db_error(psycopg.errors.UndefinedTable, "relation does not exist"), Kind.UNKNOWN),
        (OperationalError("SELECT", None, Exception("database is locked")), Kind.UNAVAILABLE),
        (IntegrityError("INSERT", None, Exception("UNIQUE constraint failed")), Kind.MESSAGE),
        (OSError(28, "No space left on device"), Kind.UNAVAILABLE),
        (ValueError("a bug with this message"), Kind.MESSAGE),
        (MemoryError(), Kind.UNKNOWN),
    ],
)
def test_failure_kinds(error, kind):
    assert failure_kind(error) is kind


def test_a_message_the_database_refuses_is_a_dead_letter_and_the_batch_goes_on(app, store, gate, monkeypatch):
    poisoned = Poisoned(db_error(psycopg.errors.CharacterNotInRepertoire, "invalid byte sequence: 0x00"))
    monkeypatch.setattr(batches, "record_plate_events", poisoned)
    batch = [inbound(gate, 1), inbound(gate, 2, POISON), inbound(gate, 3)]
    stored = store.store_until_done(batch, threading.Event())
    assert [mid for mid, *_ in stored.messages] == [1, 2, 3]  # all acknowledged: none is lost
    assert count(PlateEvent) == 2
    [letter] = db.session.scalars(select(DeadLetter)).all()
    assert json.loads(letter.payload)["plate"] == POISON and "CharacterNotInRepertoire" in letter.error
    assert stored.tally["dead_letter:error"] == 1 and count(StoreFailure) == 0


def test_a_failure_no_class_explains_is_counted_then_dead_lettered(app, store, gate, monkeypatch):
    poisoned = Poisoned(db_error(psycopg.errors.InternalError_, "something odd"))
    monkeypatch.setattr(batches, "record_plate_events", poisoned)
    stored = store.store_until_done([inbound(gate, 1, POISON), inbound(gate, 2)], threading.Event())
    assert len(stored.messages) == 2 and count(PlateEvent) == 1
    assert poisoned.calls == 1 + MAX_FAILURES  # the batch, then the message alone until the limit
    [letter] = db.session.scalars(select(DeadLetter)).all()
    assert f"{MAX_FAILURES} 次" in letter.error
    assert count(StoreFailure) == 0  # dead-lettered: counted no more


def test_an_unavailable_database_keeps_the_batch_until_it_is_back(app, store, gate, monkeypatch):
    failures = iter([db_error(psycopg.errors.AdminShutdown)] * 3)
    real = batches.record_plate_events

    def flaky(arrivals, *args, **kwargs):
        error = next(failures, None)
        if error:
            raise error
        return real(arrivals, *args, **kwargs)

    monkeypatch.setattr(batches, "record_plate_events", flaky)
    monkeypatch.setattr(consumer, "database_answers", lambda: False)  # down: no strike against the batch
    stored = store.store_until_done([inbound(gate, 1), inbound(gate, 2)], threading.Event())
    assert stored.tally["db_retries"] == 3 and stored.tally["created"] == 2
    assert count(DeadLetter) == 0 and count(PlateEvent) == 2


def test_stopping_while_the_database_is_down_acknowledges_nothing(app, store, gate, monkeypatch):
    monkeypatch.setattr(batches, "record_plate_events", Poisoned(db_error(psycopg.errors.AdminShutdown)))
    monkeypatch.setattr(consumer, "database_answers", lambda: False)
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    assert store.store_until_done([inbound(gate, 1, POISON)], stop) is None
    assert count(DeadLetter) == 0


def test_a_message_a_dead_store_process_left_in_flight_is_dead_lettered_after_a_few_restarts(
    app, gate, monkeypatch, tmp_path
):
    """Three store processes died storing it (a crash in native code, say): the fourth never tries again."""
    poison = inbound(gate, 1, POISON)
    marker = InFlight(tmp_path / "gateway.inflight")
    poisoned = Poisoned(RuntimeError("never reached"))
    monkeypatch.setattr(batches, "record_plate_events", poisoned)
    for restart in range(1, MAX_FAILURES + 1):
        marker.mark([message_key(poison.topic, poison.payload), "not-a-key"])  # then the process died
        store = Store(app, in_flight=marker)
        assert store.prepare(threading.Event())
        assert store.failures[message_key(poison.topic, poison.payload)] == restart
    stored = store.store_until_done([poison, inbound(gate, 2)], threading.Event())
    assert len(stored.messages) == 2 and poisoned.calls == 0
    [letter] = db.session.scalars(select(DeadLetter)).all()
    assert json.loads(letter.payload)["plate"] == POISON and "3 次" in letter.error
    assert count(PlateEvent) == 1 and count(StoreFailure) == 0
    assert marker.left_behind() == []


def test_a_message_counted_once_and_then_stored_is_forgotten(app, gate, tmp_path):
    message = inbound(gate, 1)
    marker = InFlight(tmp_path / "gateway.inflight")
    marker.mark([message_key(message.topic, message.payload)])
    store = Store(app, in_flight=marker)
    stored = store.store_until_done([message], threading.Event())
    assert stored.tally["created"] == 1 and count(StoreFailure) == 0 and store.failures == {}


def test_a_reason_quoting_a_nul_is_kept_as_storable_text(app, store, gate):
    body = {"event_id": "e-1", "plate": "晋H1", "direction": "in", "captured_at": "x", "images": {"\x00": "QQ=="}}
    message = Inbound(f"gates/{gate}/events", json.dumps(body).encode(), 1, 1, 1)
    stored = store.store_until_done([message], threading.Event())
    assert len(stored.messages) == 1
    [letter] = db.session.scalars(select(DeadLetter)).all()
    assert "\x00" not in letter.error and "\\u0000" in letter.error


def test_a_value_postgresql_itself_refuses_is_a_dead_letter(app, store, gate, monkeypatch):
    """A check of ours missing (simulated: the schema lets a NUL through): PostgreSQL's own refusal,
    on the real write path, dead-letters that message alone."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores a NUL in text")
    real = batches.prepare

    def careless(topic, payload):
        prepared = real(topic, payload)
        if prepared.read["plate"] == POISON:
            prepared.read["lane"] = "车道\x001"
        return prepared

    monkeypatch.setattr(batches, "prepare", careless)
    stored = store.store_until_done([inbound(gate, 1), inbound(gate, 2, POISON), inbound(gate, 3)], threading.Event())
    assert len(stored.messages) == 3 and count(PlateEvent) == 2
    [letter] = db.session.scalars(select(DeadLetter)).all()
    assert json.loads(letter.payload)["plate"] == POISON and "0x00" in letter.error
