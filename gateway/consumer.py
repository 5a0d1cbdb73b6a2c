"""Storing gate messages: batches committed before they are acknowledged.

paho's network thread only hands messages over. A store loop takes them in batches, stores each batch
in one transaction, and reports back which messages are committed and what to publish; only then are
they acknowledged. A database outage stops acknowledging and retries the same batch with back-off; a
batch that fails otherwise is stored message by message, and a message that cannot be stored becomes
a dead letter with the reason (gateway/failures.py says which failure is whose).

By default the store loop runs in a worker process of its own (GATEWAY_WORKER=process), so that paho's
Python packet handling and the database work do not share one interpreter lock; GATEWAY_WORKER=thread
keeps everything in one process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError, IntegrityError

from gateway.batches import store_batch
from gateway.failures import (
    MAX_FAILURES,
    MAX_WORKERS,
    InFlight,
    Kind,
    count_failure,
    database_answers,
    describe,
    failure_kind,
    forget_failure,
    in_flight_file,
    known_failures,
    message_key,
)
from gateway.handlers import TOPICS, Outgoing, dead_letter
from registry.common.heap import freeze_startup_objects
from registry.events.pictures import analyse_waiting, pictures_to_analyse, record_analyses
from registry.extensions import db, write_transactions
from registry.ingest.gather import InForce
from registry.partitions.services import ensure_configured
from registry.partitions.statistics import STATISTICS_EVERY, analyze_stale

log = logging.getLogger(__name__)
BATCH_MAX = 500
BACKOFF_MAX = 15.0
ANALYSIS_IDLE_SECONDS = 5.0  # with no pictures waiting for analysis, look again after this long
PARTITIONS_EVERY = 6 * 3600.0  # seconds between looks for months to partition


@dataclass(slots=True)
class Inbound:
    topic: str
    payload: bytes
    mid: int
    qos: int
    generation: int
    received: float = field(default_factory=time.monotonic)


@dataclass
class Stored:
    """A committed batch: what to acknowledge, what to publish, and what happened (for metrics)."""

    messages: list[tuple[int, int, int, float]]  # (mid, qos, generation, received)
    outgoing: Outgoing
    tally: Counter
    seconds: float = 0.0  # time taken to store the batch


def take_batch(inbox, timeout: float = 0.2) -> list[Inbound]:
    """The next messages (waiting up to `timeout`) and whatever else is already waiting, up to about
    BATCH_MAX. The network process hands messages over in lists (gateway.service.Handover)."""
    try:
        batch = [Inbound(*item) for item in inbox.get(timeout=timeout)]
    except queue.Empty:
        return []
    while len(batch) < BATCH_MAX:
        try:
            batch.extend(Inbound(*item) for item in inbox.get_nowait())
        except queue.Empty:
            break
    return batch


class Store:
    """The database side: turns a batch of messages into passes, verdicts and dead letters."""

    first_delay = 0.5  # seconds before the first retry; doubled on each one up to BACKOFF_MAX

    def __init__(self, app, orphaned=lambda: False, in_flight: InFlight | None = None, keeper: bool = True):
        self.app = app
        self.keeper = keeper  # the worker that keeps the months' partitions (one of several)
        self.orphaned = orphaned  # true once the gateway process that feeds this store is gone
        self.in_force = InForce(seconds=5.0)  # policies and alerts, kept across batches
        self.analysis_due = 0.0  # monotonic time of the next look for pictures to analyse
        self.in_flight = in_flight or InFlight(None)
        self.failures: dict[str, int] | None = None  # messages counted in store_failures, by key
        self.partitions_due = 0.0  # monotonic time of the next look for months to partition

    def prepare(self, stop) -> bool:
        """Count what a store process that died left in flight, and learn the messages counted so far;
        waits for the database. False when stopped first."""
        delay, left = self.first_delay, self.in_flight.left_behind()
        while True:
            try:
                with self.app.app_context():
                    while left:  # each counted once, even if the database fails halfway
                        count_failure(left[-1], None, DIED)
                        left.pop()
                    self.in_flight.clear()
                    self.failures = known_failures()
                if self.keeper:
                    self.keep_partitions()
                return True
            except DBAPIError as exc:
                log.warning("database failed (%s); waiting %.1fs to start storing", exc.__class__.__name__, delay)
                if stop.wait(delay) or self.orphaned():
                    return False
                delay = min(delay * 2, BACKOFF_MAX)

    def store_until_done(self, batch: list[Inbound], stop) -> Stored | None:
        """Store a batch: together while that works, else message by message, each failure handled as
        its kind says (gateway/failures.py). None when stopped before anything was stored; then
        nothing is acknowledged and the broker resends it."""
        if self.failures is None and not self.prepare(stop):
            return None
        tally, started = Counter(), time.perf_counter()
        keys = [message_key(m.topic, m.payload) for m in batch]
        self.in_flight.mark(keys)
        try:
            if any(key in self.failures for key in keys):  # store the suspects alone
                done = self._one_by_one(batch, keys, stop, tally)
            else:
                done = self._together(batch, keys, stop, tally)
        finally:
            self.in_flight.clear()
        if done is None:
            return None
        stored, outgoing = done
        messages = [(m.mid, m.qos, m.generation, m.received) for m in stored]
        return Stored(messages, outgoing, tally, time.perf_counter() - started)

    def _together(self, batch, keys, stop, tally):
        delay, strikes, retried = self.first_delay, 0, False
        while True:
            try:
                outgoing, counts = self.process(batch)
                tally.update(counts)
                return batch, outgoing
            except Exception as exc:
                kind = failure_kind(exc)
                if kind is Kind.UNAVAILABLE and strikes < MAX_FAILURES:
                    strikes += self._database_answers()  # it answers, yet the batch fails: a strike
                    tally["db_retries"] += 1
                    log.warning("database failed (%s); retrying %d messages in %.1fs", describe(exc), len(batch), delay)
                    if stop.wait(delay) or self.orphaned():
                        return None  # stopping: nothing was acked, the broker will resend
                    delay = min(delay * 2, BACKOFF_MAX)
                elif isinstance(exc, IntegrityError) and not retried:
                    retried = True  # another gateway stored one of these reads first: the retry finds it
                    log.info("a read of this batch was stored concurrently; retrying %d messages", len(batch))
                else:
                    log.warning("a batch of %d failed (%s); storing its messages one by one", len(batch), describe(exc))
                    return self._one_by_one(batch, keys, stop, tally)

    def _one_by_one(self, batch, keys, stop, tally):
        stored, outgoing = [], []
        for message, key in zip(batch, keys, strict=True):
            self.in_flight.mark([key])
            answer = self._alone(message, key, stop, tally)
            if answer is None:  # stopping: what is stored is acknowledged, the rest is resent
                return (stored, outgoing) if stored else None
            stored.append(message)
            outgoing.extend(answer)
        return stored, outgoing

    def _alone(self, message: Inbound, key: str, stop, tally: Counter) -> Outgoing | None:
        delay, retried = self.first_delay, False
        while True:
            failures = self.failures.get(key, 0)
            if failures >= MAX_FAILURES:
                reason = f"该消息已使存储失败 {failures} 次 / the message made the store fail {failures} times"
                return self._dead_letter(message, key, reason, "repeated", stop, tally)
            try:
                outgoing, counts = self.process([message], forget=key if failures else None)
                tally.update(counts)
                self.failures.pop(key, None)
                return outgoing
            except Exception as exc:
                kind = failure_kind(exc)
                if kind is Kind.UNAVAILABLE and not self._database_answers():
                    tally["db_retries"] += 1
                    log.warning("database failed (%s); retrying a message in %.1fs", describe(exc), delay)
                elif isinstance(exc, IntegrityError) and not retried:
                    retried = True
                    continue
                elif kind is Kind.MESSAGE:
                    log.warning(
                        "a message on %s cannot be stored (%s); kept as a dead letter", message.topic, describe(exc)
                    )
                    return self._dead_letter(message, key, describe(exc), "error", stop, tally)
                else:
                    log.exception("a message on %s made the store fail; counting it", message.topic)
                    self._count(key, message.topic, describe(exc))
                if stop.wait(delay) or self.orphaned():
                    return None
                delay = min(delay * 2, BACKOFF_MAX)

    def _dead_letter(self, message: Inbound, key: str, reason: str, label: str, stop, tally) -> Outgoing | None:
        """Keep the message as a dead letter with the reason (and count it no more); waits for the database."""
        delay = self.first_delay
        while True:
            with self.app.app_context(), write_transactions():
                try:
                    dead_letter(message.topic, message.payload, reason)
                    forget_failure(key)
                    db.session.commit()
                    self.failures.pop(key, None)
                    tally[f"dead_letter:{label}"] += 1
                    return []
                except Exception as exc:
                    _rollback()
                    log.warning("could not keep a dead letter (%s); retrying in %.1fs", describe(exc), delay)
                finally:
                    db.session.remove()
            if stop.wait(delay) or self.orphaned():
                return None
            delay = min(delay * 2, BACKOFF_MAX)

    def _count(self, key: str, topic: str, error: str) -> None:
        with self.app.app_context():
            try:
                self.failures[key] = count_failure(key, topic, error)
            except DBAPIError as exc:  # the database went: the message is retried, not yet counted
                log.warning("could not count a failure (%s)", describe(exc))

    def _database_answers(self) -> bool:
        with self.app.app_context():
            return database_answers()

    def keep_partitions(self) -> None:
        """Make the months to come on PostgreSQL (at start, then every PARTITIONS_EVERY seconds while
        idle): a pass whose month is missing still lands in the DEFAULT partition, but should not."""
        if time.monotonic() < self.partitions_due:
            return
        self.partitions_due = time.monotonic() + PARTITIONS_EVERY
        with self.app.app_context():
            try:
                made = ensure_configured()
                db.session.commit()
                if made.created or made.skipped:
                    log.info("partitions: made %s, could not make %s", made.created, made.skipped)
            except DBAPIError as exc:
                _rollback()
                log.warning("could not make the months ahead (%s); trying again later", describe(exc))

    def analyse_pending(self) -> int:
        """While no messages wait: analyse pictures the rules did not need at ingest (colour, quality),
        outside any transaction, then store the results in a short one. When there were none, look
        again only after a while rather than on every idle moment."""
        if time.monotonic() < self.analysis_due:
            return 0
        with self.app.app_context():
            try:
                waiting = pictures_to_analyse(limit=20)
                _rollback()  # the slow part holds no transaction (SQLite: no lock)
                if not waiting:
                    self.analysis_due = time.monotonic() + ANALYSIS_IDLE_SECONDS
                    return 0
                results = analyse_waiting(waiting)
                with write_transactions():
                    done = record_analyses(results)
                    db.session.commit()
                return done
            except Exception as exc:  # nothing here may stop the store loop
                _rollback()
                self.analysis_due = time.monotonic() + ANALYSIS_IDLE_SECONDS
                log.warning("picture analysis postponed: %s", describe(exc))
                return 0
            finally:
                db.session.remove()

    def process(self, batch: list[Inbound], tally: Counter | None = None, forget: str | None = None):
        """Store a batch in one write transaction: dead letters, passes and verdicts together; and,
        for a message that failed before (`forget`), the end of its count. (outgoing, tally)."""
        tally = Counter(tally or {})
        with self.app.app_context(), write_transactions():
            try:
                outgoing = store_batch(batch, tally, self.in_force)
                if forget:
                    forget_failure(forget)
                db.session.commit()
                return outgoing, tally
            except Exception:
                _rollback()
                raise
            finally:
                db.session.remove()


DIED = "存储进程在存储该消息时退出 / the store process died while storing this message"


def _rollback() -> None:
    """Roll back, even on a connection that is already gone."""
    with contextlib.suppress(Exception):
        db.session.rollback()


def keep_statistics(app, stop) -> None:
    """A thread of the store process: the statistics of the months being written taken again where
    autovacuum does not (registry.partitions.statistics), on a connection of its own, so that no batch
    waits for an ANALYZE."""
    while not stop.wait(STATISTICS_EVERY):
        with app.app_context():
            try:
                analyze_stale()
                db.session.commit()
            except Exception as exc:  # nothing here may stop the store loop
                _rollback()
                log.warning("statistics not taken: %s", describe(exc))
            finally:
                db.session.remove()


def store_loop(inbox, done, stop, app=None, parent: int | None = None, index: int = 0, count: int = 1) -> None:
    """Take batches from `inbox`, store them, put a Stored on `done`; until `stop` is set or, in a
    worker process, the gateway process `parent` that started it is gone (also while a batch waits for
    the database: what an orphan stored could never be acknowledged, and the broker resends it).
    Worker `index` of `count` (gateway.service.shard_of); the first also keeps the months' partitions and
    statistics and analyses pictures while idle."""
    if app is None:  # a worker process builds its own app from the same environment
        # Ctrl-C and SIGTERM reach the whole process group: the gateway process decides when to stop.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        logging.basicConfig(level=logging.INFO, format=f"%(asctime)s %(levelname)s gateway-worker-{index}: %(message)s")
        from registry import create_app

        # No ping per checkout: a dead connection fails the batch, the pool discards it, the batch is retried.
        app = create_app({"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False}})
        freeze_startup_objects()
    # The parent's pid comes from the parent itself: read here, after the app is built, it would already
    # be init's if the gateway had been killed meanwhile, and the worker would never notice.
    orphaned = (lambda: os.getppid() != parent) if parent else (lambda: False)
    client_id = app.config["GATEWAY_CLIENT_ID"]
    # A worker's marker, and those of workers a run with more of them left (read by the one they map to).
    own = in_flight_file(app.instance_path, client_id, index)
    left = [in_flight_file(app.instance_path, client_id, other) for other in range(index + count, MAX_WORKERS, count)]
    store = Store(app, orphaned, InFlight(own, left), keeper=index == 0)
    store.prepare(stop)
    if index == 0:
        threading.Thread(target=keep_statistics, args=(app, stop), name="gateway-statistics", daemon=True).start()
    while not stop.is_set() and not orphaned():
        batch = take_batch(inbox)
        if batch:
            stored = store.store_until_done(batch, stop)
            if stored is not None:
                done.put(stored)
        elif index == 0:
            store.keep_partitions()
            store.analyse_pending()
    if orphaned():
        # Nobody reads `done` any more, and this process holds its reading end too, so the pipe never
        # breaks: waiting at exit for the queue to drain would wait for ever.
        done.cancel_join_thread()


__all__ = ["TOPICS", "Inbound", "Store", "Stored", "store_loop", "take_batch"]
