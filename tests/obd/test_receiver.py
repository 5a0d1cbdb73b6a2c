"""The terminal receiver over TCP (issue 32): frames split and merged across reads are stored once and
answered after their commit; garbage and hostile lengths are dead letters and the connection goes on;
idle and slow connections are closed; `python -m gateway.terminals` runs as its own process."""

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from gateway.terminals.server import Receiver, Settings
from registry import create_app
from registry.obd.protocol.frames import Command, Frame, Reader
from tests.obd.test_protocol import AT
from tests.obd.test_store import VIN, data_frame
from tests.support.databases import empty_database
from tests.support.mosquitto import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """One database and app for the module, made before any receiver thread runs (Python 3.11.7 raises
    SystemError when two threads build ASTs at once, and Flask compiles its routes that way)."""
    with empty_database(tmp_path_factory.mktemp("obd")) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
        engine = create_engine(url)
        yield app, engine
        engine.dispose()


@pytest.fixture
def receiver(database):
    """The receiver on a free port in a thread of its own, short timeouts, on emptied tables."""
    app, engine = database
    with engine.begin() as connection:
        for table in ("obd_frames", "obd_terminals", "dead_letters"):
            connection.execute(text(f"DELETE FROM {table}"))
    settings = Settings("127.0.0.1", 0, (b"##", b"~~"), "auto", frozenset(), 2.0, 1.0, 100)
    server = Receiver(app, settings)
    loop, stop, ready = asyncio.new_event_loop(), None, threading.Event()

    def run():
        nonlocal stop
        asyncio.set_event_loop(loop)
        stop = asyncio.Event()
        loop.run_until_complete(server.serve(stop, ready))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    yield server, engine
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
    loop.close()


def count(engine, sql: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar()


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_split_and_merged_frames_are_stored_once_and_time_calibration_is_answered(receiver):
    server, engine = receiver
    frames = [data_frame(AT + timedelta(seconds=10 * n), 1 + 11 * n).raw for n in range(5)]
    calibration = Frame(Command.TIME_CALIBRATION, VIN, b"").encode()
    stream = b"".join(frames) + frames[0] + calibration  # the first again: a resend changes nothing
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        for place in range(0, len(stream), 97):  # reads that cut frames anywhere
            conn.sendall(stream[place : place + 97])
            time.sleep(0.001)
        conn.settimeout(5)
        answer = b""
        while len(answer) < 31:
            answer += conn.recv(64)
    (reply,) = Reader().feed(answer)
    assert reply.command == Command.TIME_CALIBRATION and len(reply.data) == 6
    assert count(engine, "SELECT count(*) FROM obd_frames") == 5  # committed before the answer went out
    assert count(engine, "SELECT count(*) FROM obd_terminals") == 1


def test_garbage_and_a_hostile_length_are_dead_letters_and_the_connection_goes_on(receiver):
    server, engine = receiver
    hostile = b"##\x02" + VIN.encode() + b"\x01\x01\xff\xff"
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\n\r\n" + hostile + data_frame(AT, 1).raw)
        wait_for(lambda: count(engine, "SELECT count(*) FROM obd_frames") == 1)
        conn.sendall(data_frame(AT + timedelta(seconds=10), 12).raw)
        wait_for(lambda: count(engine, "SELECT count(*) FROM obd_frames") == 2)
    letters = count(engine, "SELECT count(*) FROM dead_letters WHERE source = 'obd'")
    assert letters >= 1
    with engine.connect() as connection:
        errors = " ".join(connection.execute(text("SELECT error FROM dead_letters")).scalars())
    assert "65535" in errors


def test_an_idle_connection_and_a_slow_frame_are_closed(receiver):
    server, engine = receiver
    with socket.create_connection(("127.0.0.1", server.port)) as idle:
        idle.settimeout(5)
        started = time.monotonic()
        assert idle.recv(1) == b""  # closed by the receiver after its idle timeout (2 s)
        assert 1.5 < time.monotonic() - started < 4.5
    frame = data_frame(AT, 1).raw
    with socket.create_connection(("127.0.0.1", server.port)) as slow:
        slow.settimeout(5)
        started = time.monotonic()
        slow.sendall(frame[:50])
        time.sleep(0.5)
        slow.sendall(frame[50:60])  # still sending, too slowly: the frame timeout (1 s) counts from its start
        assert slow.recv(1) == b""
        assert time.monotonic() - started < 2.5
    wait_for(lambda: count(engine, "SELECT count(*) FROM dead_letters WHERE error LIKE '%inside a frame%'") == 1)


def test_the_receiver_runs_as_its_own_process(tmp_path):
    with empty_database(tmp_path) as url:
        env = {**os.environ, "DATABASE_URL": url, "OBD_PORT": "0", "OBD_HOST": "127.0.0.1",
               "INSTANCE_PATH": str(tmp_path), "OBD_WORKERS": "1"}  # fmt: skip
        migrate = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=120)  # fmt: skip
        assert migrate.returncode == 0, migrate.stderr
        process = subprocess.Popen([sys.executable, "-m", "gateway.terminals"], cwd=ROOT, env=env,
                                   stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            port = None
            deadline = time.monotonic() + 60
            while port is None and time.monotonic() < deadline:
                line = process.stderr.readline()
                found = re.search(r"listening on [\d.]+:(\d+)", line)
                port = int(found.group(1)) if found else None
            assert port, "the receiver did not say where it listens"
            with socket.create_connection(("127.0.0.1", port)) as conn:
                conn.sendall(data_frame(AT, 1).raw)
                engine = create_engine(url)
                wait_for(lambda: count(engine, "SELECT count(*) FROM obd_frames") == 1, 20)
                engine.dispose()
            process.terminate()
            assert process.wait(20) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
            process.stderr.close()


def test_workers_share_the_port_and_each_writes(tmp_path):
    """OBD_WORKERS=2 on PostgreSQL: two processes on one port (SO_REUSEPORT); frames from many
    connections all stored; stopping the receiver stops its workers."""
    with empty_database(tmp_path) as url:
        if not url.startswith("postgresql"):
            pytest.skip("several workers write to PostgreSQL only")
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "OBD_PORT": str(port), "OBD_HOST": "127.0.0.1",
               "INSTANCE_PATH": str(tmp_path), "OBD_WORKERS": "2"}  # fmt: skip
        migrate = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=120)  # fmt: skip
        assert migrate.returncode == 0, migrate.stderr
        process = subprocess.Popen([sys.executable, "-m", "gateway.terminals"], cwd=ROOT, env=env,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        engine = create_engine(url)
        try:
            wait_for(lambda: _listening(port), 60)
            time.sleep(3)  # both workers
            for n in range(20):
                with socket.create_connection(("127.0.0.1", port)) as conn:
                    conn.sendall(data_frame(AT + timedelta(seconds=10 * n), 1 + 11 * n).raw)
            # a frame waits while its worker starts its app and database pool: slow on a loaded machine
            wait_for(lambda: count(engine, "SELECT count(*) FROM obd_frames") == 20, 120)
            children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
            assert len(children) == 2
            process.terminate()
            assert process.wait(30) == 0
            assert all(not os.path.exists(f"/proc/{child}") for child in children)
        finally:
            engine.dispose()
            if process.poll() is None:
                process.kill()
                process.wait(10)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False
