"""Terminals' TCP connections, read into frames and written in batches; each answer goes out after its
frame is committed.

Each connection cuts its stream into frames (registry.obd.protocol.frames.Reader). What a read completes
goes to the writer, one thread that takes everything waiting (up to `batch` items, or what came within
`linger` seconds), stores it in one transaction (registry.obd.store) and commits; then each connection
writes the answers it is owed, in order. A connection silent for OBD_IDLE_TIMEOUT_S, or holding a frame
begun and not ended for OBD_FRAME_TIMEOUT_S (a slow sender), is closed; bytes of an unfinished frame at
close are a dead letter. A batch that fails is written again item by item, so that one frame that cannot
be stored (a dead letter with its error) never holds back the others."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from dataclasses import dataclass

from registry.common.time import today_local, utcnow
from registry.events.models import DeadLetter
from registry.extensions import db
from registry.obd.days import around
from registry.obd.protocol.frames import Reader, Rejected
from registry.obd.store import Received, store
from registry.policies.services import PoliciesKept

log = logging.getLogger(__name__)


@dataclass
class Settings:
    host: str
    port: int
    starts: tuple[bytes, ...]
    layout: str
    acknowledged: frozenset[int]
    idle_timeout: float
    frame_timeout: float
    max_connections: int

    @classmethod
    def of(cls, config) -> Settings:
        return cls(config["OBD_HOST"], config["OBD_PORT"], config["OBD_START_MARKS"], config["OBD_DATA_LAYOUT"],
                   config["OBD_ACK_COMMANDS"], config["OBD_IDLE_TIMEOUT_S"], config["OBD_FRAME_TIMEOUT_S"],
                   config["OBD_MAX_CONNECTIONS"])  # fmt: skip


class Writer(threading.Thread):
    """The one thread that writes what the connections read, a batch a transaction."""

    def __init__(self, app, settings: Settings, batch: int = 500, linger: float = 0.01):
        super().__init__(name="obd-writer", daemon=True)
        self.app, self.settings, self.batch, self.linger = app, settings, batch, linger
        self.waiting: queue.Queue = queue.Queue()
        self.stopping = threading.Event()
        self.stored = 0
        self.in_force = PoliciesKept(seconds=5.0)  # a policy revised takes effect within seconds

    def submit(self, loop: asyncio.AbstractEventLoop, received: Received) -> asyncio.Future:
        future = loop.create_future()
        self.waiting.put((received, loop, future))
        return future

    def run(self) -> None:
        while not (self.stopping.is_set() and self.waiting.empty()):
            try:
                first = self.waiting.get(timeout=0.2)
            except queue.Empty:
                continue
            items, deadline = [first], time.monotonic() + self.linger
            while len(items) < self.batch:
                try:
                    items.append(self.waiting.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    break
            answers = self._write(items)
            for (_, loop, future), answer in zip(items, answers, strict=True):
                loop.call_soon_threadsafe(_settle, future, answer)

    def _write(self, items: list) -> list:
        with self.app.app_context():
            try:
                batch = [r for r, _, _ in items]
                answers = store(batch, utcnow(), self.settings.layout, self.settings.acknowledged, self.in_force)
                db.session.commit()
                self.stored += len(items)
                return answers
            except Exception:
                db.session.rollback()
                if len(items) == 1:
                    log.exception("a frame could not be stored; kept as a dead letter")
                    return [self._dead(items[0][0])]
            finally:
                db.session.remove()
        return [answer for item in items for answer in self._write([item])]

    def _dead(self, received: Received) -> None:
        try:
            error = "存储失败 / could not be stored"
            db.session.add(DeadLetter(source="obd", topic=f"obd {received.peer}"[:300], payload=received.item.raw,
                                      error=error, received_at=received.received_at))  # fmt: skip
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("a dead letter could not be stored")


def _settle(future: asyncio.Future, answer) -> None:
    if not future.done():
        future.set_result(answer)


def make_days(app) -> None:
    """The frames' day partitions around today (registry.obd.days): a backlog's days and the week ahead."""
    with app.app_context():
        made = around(today_local())
        db.session.commit()
        db.session.remove()
    if made.created or made.skipped:
        log.info("frame days made: %d, skipped: %d", len(made.created), len(made.skipped))


class Receiver:
    """The TCP server: `serve` until `stop` is set."""

    def __init__(self, app, settings: Settings, shared_port: bool = False):
        self.app, self.settings, self.shared_port = app, settings, shared_port
        self.writer = Writer(app, settings)
        self.open: dict[asyncio.Task, asyncio.StreamWriter] = {}
        self.port: int | None = None

    async def serve(self, stop: asyncio.Event, ready: threading.Event | None = None) -> None:
        if not self.shared_port:  # a worker's parent made them
            await asyncio.to_thread(make_days, self.app)
        self.writer.start()
        server = await asyncio.start_server(
            self._connection, self.settings.host, self.settings.port, limit=1 << 17, reuse_port=self.shared_port
        )
        self.port = server.sockets[0].getsockname()[1]
        log.info("terminal receiver listening on %s:%s", self.settings.host, self.port)
        if ready is not None:
            ready.set()
        async with server:
            await stop.wait()
        for writer in self.open.values():  # the connections end; what they read is written first
            writer.close()
        await asyncio.gather(*self.open, return_exceptions=True)
        self.writer.stopping.set()
        await asyncio.to_thread(self.writer.join)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = writer.get_extra_info("peername")[:2]
        peer = f"{host}:{port}"
        if len(self.open) >= self.settings.max_connections:
            writer.close()
            return
        self.open[asyncio.current_task()] = writer
        frames, begun, loop = Reader(self.settings.starts), None, asyncio.get_running_loop()
        try:
            while True:
                wait = self.settings.idle_timeout
                if begun is not None:
                    wait = min(wait, self.settings.frame_timeout - (loop.time() - begun))
                data = await asyncio.wait_for(reader.read(1 << 16), max(wait, 0.001))
                if not data:
                    break
                items = frames.feed(data)
                begun = (begun or loop.time()) if frames.buffer else None
                if items:
                    now = utcnow()
                    answers = await asyncio.gather(
                        *(self.writer.submit(loop, Received(item, peer, now)) for item in items)
                    )
                    for answer in answers:
                        if answer:
                            writer.write(answer)
                    await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            self.open.pop(asyncio.current_task(), None)
            if frames.buffer:
                left = Rejected("连接关闭时帧未完整 / the connection ended inside a frame", bytes(frames.buffer))
                self.writer.submit(loop, Received(left, peer, utcnow()))
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
