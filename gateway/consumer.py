"""The consumer loop: messages handed off by paho, processed in batches by one worker thread,
committed, then acknowledged. Nothing is acknowledged before it is stored; a database outage
stops acknowledging and retries the same batch with back-off until it succeeds."""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field

from paho.mqtt.client import topic_matches_sub
from sqlalchemy.exc import DBAPIError, IntegrityError

from gateway import metrics
from gateway.handlers import HANDLERS, Outgoing, Rejected, dead_letter
from gateway.mqtt import MqttTransport, Subscription
from registry.extensions import db

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
        subscriptions = [Subscription(topic, 1, self._receive) for topic in HANDLERS]
        self.transport = transport_factory(
            config["MQTT"],
            config["GATEWAY_CLIENT_ID"],
            subscriptions,
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
            except DBAPIError as exc:  # database unreachable or failing: keep everything, retry
                metrics.DB_RETRIES.inc()
                log.warning(
                    "database failed (%s); retrying %d messages in %.1fs", exc.__class__.__name__, len(batch), delay
                )
                if stop.wait(delay):
                    return  # stopping: nothing was acked, the broker will resend
                delay = min(delay * 2, BACKOFF_MAX)
        now = time.monotonic()
        for topic, payload in outgoing:
            self.transport.publish(topic, payload)
        for message in batch:
            self.transport.ack(message.mid, message.qos, message.generation)
            metrics.LATENCY.observe(now - message.received)
        metrics.BATCH_SIZE.observe(len(batch))
        metrics.QUEUE_DEPTH.set(self.inbox.qsize())

    def process(self, batch: list[Inbound]) -> Outgoing:
        """Store a batch in one transaction, each message in a savepoint of its own."""
        outgoing: Outgoing = []
        with self.app.app_context():
            try:
                for message in batch:
                    outgoing.extend(self._process_one(message))
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()
        return outgoing

    def _process_one(self, message: Inbound) -> Outgoing:
        source, handler = next((s, h) for f, (s, h) in HANDLERS.items() if topic_matches_sub(f, message.topic))
        for attempt in (1, 2):
            try:
                with db.session.begin_nested():
                    return handler(message.topic, message.payload)
            except Rejected as exc:
                with db.session.begin_nested():
                    dead_letter(source, message.topic, message.payload, exc)
                return []
            except IntegrityError:
                if attempt == 2:  # not a race after all: keep it for a person to look at
                    raise
                # another gateway stored the same read a moment ago: the retry finds it as a duplicate
            except DBAPIError:
                raise
            except Exception as exc:  # a bug must not block the stream: keep the message for a person
                log.exception("failed to process a message on %s", message.topic)
                with db.session.begin_nested():
                    dead_letter(source, message.topic, message.payload, exc)
                return []
        return []
