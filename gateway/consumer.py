"""Storing gate messages: batches committed before they are acknowledged.

paho's network thread only hands messages over. A store loop takes them in batches, stores each batch
in one transaction, and reports back which messages are committed and what to publish; only then are
they acknowledged. A database outage stops acknowledging and retries the same batch with back-off.

By default the store loop runs in a worker process of its own (GATEWAY_WORKER=process), so that paho's
Python packet handling and the database work do not share one interpreter lock; GATEWAY_WORKER=thread
keeps everything in one process.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import joinedload

from gateway.handlers import TOPICS, Outgoing, Prepared, Rejected, dead_letter, prepare, respond, unknown_gate
from registry.common.heap import freeze_startup_objects
from registry.common.statements import one_of, prebuilt
from registry.compliance.facts import PolicyCache
from registry.events.ingest import Arrival, lock_gates, record_plate_events
from registry.events.pictures import analyse_pending
from registry.extensions import db
from registry.gates.models import Gate

log = logging.getLogger(__name__)
BATCH_MAX = 500
BACKOFF_MAX = 15.0
ANALYSIS_IDLE_SECONDS = 5.0  # with no pictures waiting for analysis, look again after this long


@dataclass
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
    """The next message (waiting up to `timeout`) and whatever else is already waiting."""
    try:
        batch = [inbox.get(timeout=timeout)]
    except queue.Empty:
        return []
    while len(batch) < BATCH_MAX:
        try:
            batch.append(inbox.get_nowait())
        except queue.Empty:
            break
    return batch


class Store:
    """The database side: turns a batch of messages into passes, verdicts and dead letters."""

    def __init__(self, app, orphaned=lambda: False):
        self.app = app
        self.orphaned = orphaned  # true once the gateway process that feeds this store is gone
        self.policy_cache = PolicyCache(seconds=5.0)
        self.analysis_due = 0.0  # monotonic time of the next look for pictures to analyse

    def store_until_done(self, batch: list[Inbound], stop) -> Stored | None:
        """Store a batch, retrying through database failures; None when stopped before it was stored."""
        delay, tally, started = 0.5, Counter(), time.perf_counter()
        while True:
            try:
                outgoing, tally = self.process(batch, tally)
                break
            except IntegrityError:  # another gateway stored one of these reads first: the retry finds it
                log.info("a read of this batch was stored concurrently; retrying %d messages", len(batch))
                tally = Counter()
            except DBAPIError as exc:  # database unreachable or failing: keep everything, retry
                tally = Counter({"db_retries": tally["db_retries"] + 1})
                log.warning(
                    "database failed (%s); retrying %d messages in %.1fs", exc.__class__.__name__, len(batch), delay
                )
                if stop.wait(delay) or self.orphaned():
                    return None  # stopping: nothing was acked, the broker will resend
                delay = min(delay * 2, BACKOFF_MAX)
            except Exception:  # a bug with one message must not block the stream: isolate it
                log.exception("batch of %d failed; processing its messages one by one", len(batch))
                outgoing = []
                for message in batch:
                    outgoing.extend(self._process_alone(message, tally))
                break
        messages = [(m.mid, m.qos, m.generation, m.received) for m in batch]
        return Stored(messages, outgoing, tally, time.perf_counter() - started)

    def analyse_pending(self) -> int:
        """While no messages wait: analyse pictures the rules did not need at ingest (colour, quality).
        When there were none, look again only after a while rather than on every idle moment."""
        if time.monotonic() < self.analysis_due:
            return 0
        with self.app.app_context():
            try:
                done = analyse_pending(limit=20)
                db.session.commit()
                if not done:
                    self.analysis_due = time.monotonic() + ANALYSIS_IDLE_SECONDS
                return done
            except DBAPIError as exc:
                db.session.rollback()
                self.analysis_due = time.monotonic() + ANALYSIS_IDLE_SECONDS
                log.warning("picture analysis postponed: database failed (%s)", exc.__class__.__name__)
                return 0
            finally:
                db.session.remove()

    def _process_alone(self, message: Inbound, tally: Counter) -> Outgoing:
        try:
            outgoing, _ = self.process([message], tally)
            return outgoing
        except DBAPIError:
            raise
        except Exception as exc:
            log.exception("message on %s could not be processed; kept as a dead letter", message.topic)
            with self.app.app_context():
                dead_letter(message.topic, message.payload, exc)
                db.session.commit()
            tally["dead_letter:error"] += 1
            return []

    def process(self, batch: list[Inbound], tally: Counter | None = None) -> tuple[Outgoing, Counter]:
        """Store a batch in one transaction: dead letters, passes and verdicts together."""
        tally = Counter(tally or {})
        with self.app.app_context():
            try:
                outgoing = self._store(batch, tally)
                db.session.commit()
                return outgoing, tally
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    def _store(self, batch: list[Inbound], tally: Counter) -> Outgoing:
        prepared: list[Prepared] = []
        for message in batch:
            try:
                prepared.append(prepare(message.topic, message.payload))
            except Rejected as exc:
                dead_letter(message.topic, message.payload, exc)
                tally[f"dead_letter:{exc.reason}"] += 1
        by_code, by_device = _gates(prepared)
        accepted: list[tuple[Prepared, Arrival]] = []
        for item in prepared:
            gate = by_device.get(item.device_sn) if item.device_sn else by_code.get(item.gate_code)
            if gate is None:
                rejected = unknown_gate(item)
                dead_letter(item.topic, item.payload, rejected)
                tally[f"dead_letter:{rejected.reason}"] += 1
            else:
                accepted.append((item, Arrival(gate, item.read, item.source)))
        results = record_plate_events([arrival for _, arrival in accepted], self.policy_cache, gates_locked=True)
        outgoing: Outgoing = []
        for (item, arrival), ingested in zip(accepted, results, strict=True):
            tally[ingested.outcome] += 1
            outgoing.extend(respond(item, arrival.gate.code, ingested.answer()))
        return outgoing


def _gates(prepared: list[Prepared]) -> tuple[dict[str, Gate], dict[str, Gate]]:
    """The enabled gates a batch names, by code and by camera serial, with their firms, locked for
    the batch, in at most two queries."""
    codes = sorted({p.gate_code for p in prepared if p.gate_code})
    devices = sorted({p.device_sn for p in prepared if p.device_sn})
    by_code, by_device = {}, {}
    if codes:
        by_code = {g.code: g for g in db.session.scalars(_gates_by_code(), {"codes": codes})}
    if devices:
        by_device = {g.device_sn: g for g in db.session.scalars(_gates_by_device(), {"devices": devices})}
    return by_code, by_device


@prebuilt
def _gates_by_code(dialect: str):
    return _enabled_gates(one_of(Gate.code, "codes", dialect))


@prebuilt
def _gates_by_device(dialect: str):
    return _enabled_gates(one_of(Gate.device_sn, "devices", dialect))


def _enabled_gates(condition):
    return lock_gates(select(Gate).options(joinedload(Gate.firm)).where(condition, Gate.active))


def store_loop(inbox, done, stop, app=None, parent: int | None = None) -> None:
    """Take batches from `inbox`, store them, put a Stored on `done`; until `stop` is set or, in a
    worker process, the gateway process `parent` that started it is gone (also while a batch waits for
    the database: what an orphan stored could never be acknowledged, and the broker resends it)."""
    if app is None:  # a worker process builds its own app from the same environment
        # Ctrl-C and SIGTERM reach the whole process group: the gateway process decides when to stop.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s gateway-worker: %(message)s")
        from registry import create_app

        # No ping per checkout: a dead connection fails the batch, the pool discards it, the batch is retried.
        app = create_app({"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False}})
        freeze_startup_objects()
    # The parent's pid comes from the parent itself: read here, after the app is built, it would already
    # be init's if the gateway had been killed meanwhile, and the worker would never notice.
    orphaned = (lambda: os.getppid() != parent) if parent else (lambda: False)
    store = Store(app, orphaned)
    while not stop.is_set() and not orphaned():
        batch = take_batch(inbox)
        if batch:
            stored = store.store_until_done(batch, stop)
            if stored is not None:
                done.put(stored)
        else:
            store.analyse_pending()
    if orphaned():
        # Nobody reads `done` any more, and this process holds its reading end too, so the pipe never
        # breaks: waiting at exit for the queue to drain would wait for ever.
        done.cancel_join_thread()


__all__ = ["TOPICS", "Inbound", "Store", "Stored", "store_loop", "take_batch"]
