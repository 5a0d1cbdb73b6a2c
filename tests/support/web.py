"""The registry served by gunicorn for browser tests, and Playwright driving Debian's chromium."""

import contextlib
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.databases import ROOT
from tests.support.mosquitto import free_port

CHROMIUM = "/usr/bin/chromium"  # Debian's package (make test installs it); never a downloaded browser
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts"))


def start_registry(url: str, folder: Path, port: int, env: dict | None = None, tls: tuple | None = None):
    """gunicorn serving wsgi:app on `port` (over HTTPS with `tls`: (certificate, key)), in a session of
    its own so that a test can kill it and its workers at once; returns the process once it answers."""
    full_env = os.environ | {"DATABASE_URL": url, "INSTANCE_PATH": str(folder), "FLASK_APP": "wsgi"} | (env or {})
    command = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4"]
    if tls:
        command += ["--certfile", str(tls[0]), "--keyfile", str(tls[1])]
    with (folder / "web.log").open("ab") as log:
        process = subprocess.Popen(
            [*command, "wsgi:app"], cwd=ROOT, env=full_env, stdout=log, stderr=log, start_new_session=True
        )
    context = ssl.create_default_context(cafile=str(tls[0])) if tls else None
    base = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1, context=context):
                return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                kill_registry(process)
                raise RuntimeError(f"the registry did not start; see {folder / 'web.log'}") from None
            time.sleep(0.2)


def kill_registry(process, sig=signal.SIGKILL) -> None:
    """Stop gunicorn and its workers (SIGKILL: as a machine that loses power)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(timeout=15)


@contextmanager
def served_registry(url: str, folder: Path, env: dict | None = None):
    """gunicorn serving wsgi:app on a free port, on database `url`; yields the base URL."""
    port = free_port()
    process = start_registry(url, folder, port, env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        kill_registry(process, signal.SIGTERM)


@contextmanager
def chromium():
    """A headless Debian chromium under Playwright."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Chromium's own words (file pickers, date fields) as on a Chinese phone: chromium-l10n's zh-CN
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN"], env={**os.environ, "LANGUAGE": "zh_CN"}
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
