"""A PostgreSQL server of a test's own (initdb on a free port), and a streaming replica of it made by
pg_basebackup: what the replica test needs, independent of the machine's own server."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

BIN = Path("/usr/lib/postgresql/15/bin")


def binaries_or_skip() -> None:
    if not all((BIN / name).exists() for name in ("initdb", "pg_ctl", "pg_basebackup", "postgres")):
        pytest.skip("PostgreSQL 15's server binaries are not installed (apt-get install postgresql-15)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.data = folder / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/registry"

    def _run(self, *command: str) -> None:
        subprocess.run(
            _as_server_user([str(BIN / command[0]), *command[1:]]), check=True, capture_output=True, timeout=120
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        subprocess.run(
            _as_server_user([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
            capture_output=True, timeout=60,
        )  # fmt: skip


def server_folder() -> Path:
    """A folder the server's user can reach (pytest's own folders are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="registry-pg-"))
    path.chmod(0o755)
    return path


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        shutil.chown(path, user.pw_uid, user.pw_gid)
    return path


def primary(base: Path) -> Cluster:
    cluster = Cluster(_folder(base / "primary"), free_port())
    cluster._run("initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale")
    cluster.start()
    subprocess.run(
        [str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "registry"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cluster


def replica_of(source: Cluster, base: Path) -> Cluster:
    """A hot standby streaming from `source` (pg_basebackup -R writes its primary_conninfo)."""
    cluster = Cluster(_folder(base / "replica"), free_port())
    cluster._run(
        "pg_basebackup", "-h", "127.0.0.1", "-p", str(source.port), "-U", "postgres",
        "-D", str(cluster.data), "-R", "-X", "stream", "-c", "fast",
    )  # fmt: skip
    cluster.start()
    return cluster
