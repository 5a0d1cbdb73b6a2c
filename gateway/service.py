"""The gateway process: the MQTT transport on one side, the store loop on the other."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import threading
import time

from gateway import metrics
from gateway.consumer import TOPICS, Inbound, Stored, store_loop
from gateway.mqtt import MqttTransport, Subscription

log = logging.getLogger(__name__)


def _kind(topic: str) -> str:
    """A metric label of bounded cardinality: gates, or the camera message's name (ivs_result...)."""
    parts = topic.split("/")
    return "gates" if parts[0] == "gates" else parts[-1][:30]


class Handover:
    """Messages from paho's network thread to the store worker in lists: one pickle and one write to the
    worker's pipe for whatever arrived while the last list was on its way, instead of one per message
    (which cost the network process more than receiving them). A message waits for nothing: the thread
    sends as soon as one is there."""

    def __init__(self, inbox):
        self.inbox = inbox
        self.waiting: list = []
        self.ready = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="gateway-handover", daemon=True)
        self.stopped = False

    def start(self) -> None:
        self.thread.start()

    def put(self, item) -> None:
        with self.ready:
            self.waiting.append(item)
            if len(self.waiting) == 1:
                self.ready.notify()

    def stop(self) -> None:
        with self.ready:
            self.stopped = True
            self.ready.notify()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self.ready:
                while not self.waiting and not self.stopped:
                    self.ready.wait()
                if self.stopped:
                    return
                items, self.waiting = self.waiting, []
            self.inbox.put(items)


class Gateway:
    def __init__(self, app, worker: str = "process", transport_factory=MqttTransport):
        self.app = app
        self.worker = worker
        if worker == "process":
            context = multiprocessing.get_context("spawn")  # a clean interpreter, not a fork of paho's threads
            self.inbox, self.done, self.stop_worker = context.Queue(), context.Queue(), context.Event()
            self.process = context.Process(
                target=store_loop,
                args=(self.inbox, self.done, self.stop_worker, None, os.getpid()),
                name="gateway-store",
                daemon=True,
            )
        else:
            self.inbox, self.done, self.stop_worker = queue.Queue(), queue.Queue(), threading.Event()
            self.process = threading.Thread(
                target=store_loop,
                args=(self.inbox, self.done, self.stop_worker, app),
                name="gateway-store",
                daemon=True,
            )
        config = app.config
        self.transport = transport_factory(
            config["MQTT"],
            config["GATEWAY_CLIENT_ID"],
            [Subscription(topic, 1, self._receive) for topic in TOPICS],
            shared_group=config["GATEWAY_SHARED_GROUP"],
            on_state=lambda up: metrics.CONNECTED.set(1 if up else 0),
        )
        self.waiting = 0
        self.handover = Handover(self.inbox)
        self.received = {}  # metric children by kind, looked up once

    def _receive(self, message, generation: int) -> None:
        """Runs on paho's network thread: only hand the message over, never touch the database."""
        topic = message.topic
        kind = "gates" if topic.startswith("gates/") else _kind(topic)
        counter = self.received.get(kind)
        if counter is None:
            counter = self.received[kind] = metrics.RECEIVED.labels(kind)
        counter.inc()
        self.handover.put(Inbound(topic, message.payload, message.mid, message.qos, generation))
        self.waiting += 1
        metrics.QUEUE_DEPTH.set(self.waiting)

    def run(self, stop: threading.Event) -> int:
        """Until `stop`: acknowledge and answer what the store loop has committed."""
        self.process.start()
        self.handover.start()
        self.transport.start()
        status = 0
        try:
            while not stop.is_set():
                try:
                    stored = self.done.get(timeout=0.2)
                except queue.Empty:
                    if not self.process.is_alive():
                        log.error("the store loop stopped; exiting so that a supervisor restarts the gateway")
                        status = 1
                        break
                    continue
                self._settle(stored)
        finally:
            self.handover.stop()
            self.stop_worker.set()
            deadline = time.monotonic() + 30
            # Keep reading while the worker finishes its batch: a worker process cannot exit before
            # what it put on the queue has been read, and what it committed must still be acked.
            while self.process.is_alive() and time.monotonic() < deadline:
                with contextlib.suppress(queue.Empty):
                    self._settle(self.done.get(timeout=0.2))
            while True:
                try:
                    self._settle(self.done.get_nowait())
                except queue.Empty:
                    break
            if self.worker == "process":
                # Messages still queued for the worker were never acknowledged: the broker resends
                # them. Do not let the queue's feeder thread hold up the exit trying to deliver them.
                self.inbox.cancel_join_thread()
            self.transport.stop()
        return status

    def _settle(self, stored: Stored) -> None:
        for topic, payload in stored.outgoing:
            self.transport.publish(topic, payload)
        now = time.monotonic()
        for mid, qos, generation, received in stored.messages:
            self.transport.ack(mid, qos, generation)
            metrics.LATENCY.observe(now - received)
        self.waiting -= len(stored.messages)
        metrics.QUEUE_DEPTH.set(max(self.waiting, 0))
        metrics.BATCH_SIZE.observe(len(stored.messages))
        metrics.BATCH_SECONDS.observe(stored.seconds)
        tally = stored.tally
        metrics.STORED.inc(tally["created"])
        metrics.DUPLICATES.inc(tally["duplicate"])
        metrics.MERGED.inc(tally["merged"])
        metrics.DB_RETRIES.inc(tally["db_retries"])
        metrics.HEARTBEATS.labels("known").inc(tally["heartbeat"])
        metrics.HEARTBEATS.labels("unknown").inc(tally["heartbeat:unknown_device"])
        for key, count in tally.items():
            if key.startswith("dead_letter:"):
                metrics.DEAD_LETTERED.labels(key.split(":", 1)[1]).inc(count)
