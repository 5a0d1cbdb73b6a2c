"""The gateway process: the MQTT transport on one side, the store loop on the other."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import threading
import time
import zlib

from gateway import metrics
from gateway.consumer import TOPICS, Stored, store_loop
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


def shard_of(topic: str, count: int) -> int:
    """Which store worker takes a message: by its gate (the code of gates/{code}/events, the serial of an
    AlarmInfoPlate camera's topic), so that one gate's reads are stored in order by one worker. A gate
    reached both ways may land with two workers: its row lock keeps their batches apart."""
    if count == 1:
        return 0
    parts = topic.split("/")
    key = parts[1] if parts[0] in ("gates", "device") and len(parts) > 1 else parts[0]
    return zlib.crc32(key.encode()) % count


class Gateway:
    def __init__(self, app, worker: str = "process", transport_factory=MqttTransport, workers: int | None = None):
        self.app = app
        self.worker = worker
        count = workers or app.config["GATEWAY_WORKERS"]
        if worker == "process":
            context = multiprocessing.get_context("spawn")  # a clean interpreter, not a fork of paho's threads
            self.done, self.stop_worker = context.Queue(), context.Event()
            self.inboxes = [context.Queue() for _ in range(count)]
            self.processes = [
                context.Process(
                    target=store_loop,
                    args=(inbox, self.done, self.stop_worker, None, os.getpid(), index, count),
                    name=f"gateway-store-{index}",
                    daemon=True,
                )
                for index, inbox in enumerate(self.inboxes)
            ]
        else:
            self.done, self.stop_worker = queue.Queue(), threading.Event()
            self.inboxes = [queue.Queue() for _ in range(count)]
            self.processes = [
                threading.Thread(
                    target=store_loop,
                    args=(inbox, self.done, self.stop_worker, app, None, index, count),
                    name=f"gateway-store-{index}",
                    daemon=True,
                )
                for index, inbox in enumerate(self.inboxes)
            ]
        config = app.config
        self.transport = transport_factory(
            config["MQTT"],
            config["GATEWAY_CLIENT_ID"],
            [Subscription(topic, 1, self._receive) for topic in TOPICS],
            shared_group=config["GATEWAY_SHARED_GROUP"],
            on_state=lambda up: metrics.CONNECTED.set(1 if up else 0),
        )
        self.waiting = 0
        self.handovers = [Handover(inbox) for inbox in self.inboxes]
        self.received = {}  # metric children by kind, looked up once

    def _receive(self, message, generation: int) -> None:
        """Runs on paho's network thread: only hand the message over, never touch the database."""
        topic = message.topic
        kind = "gates" if topic.startswith("gates/") else _kind(topic)
        counter = self.received.get(kind)
        if counter is None:
            counter = self.received[kind] = metrics.RECEIVED.labels(kind)
        counter.inc()
        handover = self.handovers[shard_of(topic, len(self.handovers))]
        # a tuple crosses to the worker's process cheaper than an object (Inbound again there)
        handover.put((topic, message.payload, message.mid, message.qos, generation, time.monotonic()))
        self.waiting += 1
        metrics.QUEUE_DEPTH.set(self.waiting)

    def _workers_alive(self) -> bool:
        return all(process.is_alive() for process in self.processes)

    def run(self, stop: threading.Event) -> int:
        """Until `stop`: acknowledge and answer what the store workers have committed."""
        for process in self.processes:
            process.start()
        for handover in self.handovers:
            handover.start()
        self.transport.start()
        status = 0
        try:
            while not stop.is_set():
                try:
                    stored = self.done.get(timeout=0.2)
                except queue.Empty:
                    if not self._workers_alive():
                        log.error("a store worker stopped; exiting so that a supervisor restarts the gateway")
                        status = 1
                        break
                    continue
                self._settle(stored)
        finally:
            for handover in self.handovers:
                handover.stop()
            self.stop_worker.set()
            deadline = time.monotonic() + 30
            # Keep reading while the workers finish their batches: a worker process cannot exit before
            # what it put on the queue has been read, and what it committed must still be acked.
            while any(p.is_alive() for p in self.processes) and time.monotonic() < deadline:
                with contextlib.suppress(queue.Empty):
                    self._settle(self.done.get(timeout=0.2))
            while True:
                try:
                    self._settle(self.done.get_nowait())
                except queue.Empty:
                    break
            if self.worker == "process":
                # Messages still queued for the workers were never acknowledged: the broker resends
                # them. Do not let the queues' feeder threads hold up the exit trying to deliver them.
                for inbox in self.inboxes:
                    inbox.cancel_join_thread()
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
