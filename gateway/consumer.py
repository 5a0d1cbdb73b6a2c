"""The consumer loop: messages handed off by paho, processed in batches by one worker thread,
committed, then acknowledged. Nothing is acknowledged before it is stored; a database outage
stops acknowledging and retries the same batch with back-off until it succeeds."""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from gateway import metrics
from gateway.handlers import TOPICS, Outgoing, Prepared, Rejected, dead_letter, prepare, respond, unknown_gate
from gateway.mqtt import MqttTransport, Subscription
from registry.events.ingest import Arrival, record_plate_events
from registry.extensions import db
from registry.gates.models import Gate

log = logging.getLogger(__name__)
BATCH_MAX = 500
BACKOFF_MAX = 15.0


@dataclass
class Inbound:
    topic: str
    payload: bytes
    mid: int
    qos: int
    generation: int
    received: float = field(default_factory=time.monotonic)


class Consumer:
    def __init__(self, app, transport_factory=MqttTransport):
        self.app = app
        config = app.config
        self.inbox: queue.Queue[Inbound] = queue.Queue()
        self.transport = transport_factory(
            config["MQTT"],
            config["GATEWAY_CLIENT_ID"],
            [Subscription(topic, 1, self._receive) for topic in TOPICS],
            shared_group=config["GATEWAY_SHARED_GROUP"],
            on_state=lambda up: metrics.CONNECTED.set(1 if up else 0),
        )

    def _receive(self, message, generation: int) -> None:
        """Runs on paho's network thread: only hand the message over, never touch the database."""
        metrics.RECEIVED.labels(message.topic.split("/")[0]).inc()
        self.inbox.put(Inbound(message.topic, message.payload, message.mid, message.qos, generation))
        metrics.QUEUE_DEPTH.set(self.inbox.qsize())

    def run(self, stop: threading.Event) -> None:
        self.transport.start()
        try:
            while not stop.is_set():
                batch = self._take_batch()
                if batch:
                    self._process_until_stored(batch, stop)
        finally:
            self.transport.stop()

    def _take_batch(self) -> list[Inbound]:
        try:
            batch = [self.inbox.get(timeout=0.2)]
        except queue.Empty:
            return []
        while len(batch) < BATCH_MAX:
            try:
                batch.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def _process_until_stored(self, batch: list[Inbound], stop: threading.Event) -> None:
        delay = 0.5
        while True:
            try:
                outgoing = self.process(batch)
                break
            except IntegrityError:  # another gateway stored one of these reads first: the retry finds it
                log.info("a read of this batch was stored concurrently; retrying %d messages", len(batch))
            except DBAPIError as exc:  # database unreachable or failing: keep everything, retry
                metrics.DB_RETRIES.inc()
                log.warning(
                    "database failed (%s); retrying %d messages in %.1fs", exc.__class__.__name__, len(batch), delay
                )
                if stop.wait(delay):
                    return  # stopping: nothing was acked, the broker will resend
                delay = min(delay * 2, BACKOFF_MAX)
            except Exception:  # a bug with one message must not block the stream: isolate it
                log.exception("batch of %d failed; processing its messages one by one", len(batch))
                outgoing = []
                for message in batch:
                    outgoing.extend(self._process_alone(message))
                break
        now = time.monotonic()
        for topic, payload in outgoing:
            self.transport.publish(topic, payload)
        for message in batch:
            self.transport.ack(message.mid, message.qos, message.generation)
            metrics.LATENCY.observe(now - message.received)
        metrics.BATCH_SIZE.observe(len(batch))
        metrics.QUEUE_DEPTH.set(self.inbox.qsize())

    def _process_alone(self, message: Inbound) -> Outgoing:
        try:
            return self.process([message])
        except DBAPIError:
            raise
        except Exception as exc:
            log.exception("message on %s could not be processed; kept as a dead letter", message.topic)
            with self.app.app_context():
                dead_letter(message.topic, message.payload, exc)
                db.session.commit()
            return []

    def process(self, batch: list[Inbound]) -> Outgoing:
        """Store a batch in one transaction: dead letters, passes and verdicts together."""
        with self.app.app_context():
            try:
                outgoing = self._store(batch)
                db.session.commit()
                return outgoing
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    def _store(self, batch: list[Inbound]) -> Outgoing:
        prepared: list[Prepared] = []
        for message in batch:
            try:
                prepared.append(prepare(message.topic, message.payload))
            except Rejected as exc:
                dead_letter(message.topic, message.payload, exc)
        by_code, by_device = _gates(prepared)
        accepted: list[tuple[Prepared, Arrival]] = []
        for item in prepared:
            gate = by_device.get(item.device_sn) if item.device_sn else by_code.get(item.gate_code)
            if gate is None:
                dead_letter(item.topic, item.payload, unknown_gate(item))
            else:
                accepted.append((item, Arrival(gate, item.read, item.source)))
        results = record_plate_events([arrival for _, arrival in accepted])
        outgoing: Outgoing = []
        for (item, arrival), ingested in zip(accepted, results, strict=True):
            {"created": metrics.STORED, "duplicate": metrics.DUPLICATES, "merged": metrics.MERGED}[
                ingested.outcome
            ].inc()
            outgoing.extend(respond(item, arrival.gate.code, ingested.answer()))
        return outgoing


def _gates(prepared: list[Prepared]) -> tuple[dict[str, Gate], dict[str, Gate]]:
    """The enabled gates a batch names, by code and by camera serial, in at most two queries."""
    codes = {p.gate_code for p in prepared if p.gate_code}
    devices = {p.device_sn for p in prepared if p.device_sn}
    by_code, by_device = {}, {}
    if codes:
        by_code = {g.code: g for g in db.session.scalars(select(Gate).where(Gate.code.in_(codes), Gate.active))}
    if devices:
        by_device = {
            g.device_sn: g for g in db.session.scalars(select(Gate).where(Gate.device_sn.in_(devices), Gate.active))
        }
    return by_code, by_device
