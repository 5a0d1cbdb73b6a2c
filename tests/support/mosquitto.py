"""A mosquitto broker of the test's own, on a free port, that a test may stop and restart."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


class Mosquitto:
    def __init__(self, folder: Path, extra_config: str = "", anonymous: bool = True, in_flight: int = 1000):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = None
        folder.mkdir(parents=True, exist_ok=True)
        # Started as root, mosquitto drops to the mosquitto user: its persistence folder must be
        # reachable and writable by that user, and pytest's own folders are private to root.
        data = Path(tempfile.mkdtemp(prefix="mosquitto-")) if os.geteuid() == 0 else folder / "data"
        data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            user = pwd.getpwnam("mosquitto")
            shutil.chown(data, user.pw_uid, user.pw_gid)
        self.data = data
        self.config = folder / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous {'true' if anonymous else 'false'}\n{extra_config}"
            f"persistence true\npersistence_location {data}/\nautosave_interval 1\n"
            # lossless for offline persistent sessions: the default (1000) drops the rest
            "max_queued_messages 0\n"
            # let the gateway hold a whole batch unacknowledged (the default is 20 in flight); MQTT 5
            # clients are also told it as the broker's Receive Maximum
            f"max_inflight_messages {in_flight}\n"
            "log_dest stderr\n"
        )

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.log = (self.folder / "mosquitto.log").open("ab")
        self.process = subprocess.Popen([binary, "-c", str(self.config)], stdout=self.log, stderr=self.log)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
        if self.log:
            self.log.close()
            self.log = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.data, ignore_errors=True)
