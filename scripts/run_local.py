"""`make run`: migrate, seed the demo once, find or start a broker, run registry and gateway.

Ctrl-C (or SIGTERM) stops everything this script started.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.config import INSTANCE_DIR, Config, ConfigError  # noqa: E402


def say(zh: str, en: str) -> None:
    print(f"[run] {zh} / {en}", flush=True)


def answers(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def prepare_database() -> None:
    """Apply migrations and seed the demo district once, in this process."""
    from flask_migrate import upgrade

    from registry import create_app
    from registry.demo.cli import seed_command

    app = create_app()
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(seed_command)
    print(result.output, end="", flush=True)
    if result.exit_code != 0:
        raise SystemExit(result.exit_code)


def start_broker(config: Config) -> subprocess.Popen | None:
    """Use the broker at MQTT_URL if one answers, else start a local mosquitto on its port."""
    mqtt = config.MQTT
    if answers(mqtt.host, mqtt.port):
        say(f"使用已运行的消息代理 {config.MQTT_URL}", f"using the broker already at {config.MQTT_URL}")
        return None
    if mqtt.host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"MQTT_URL {config.MQTT_URL} does not answer and is not local: start that broker first")
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    folder = INSTANCE_DIR / "mosquitto"
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "mosquitto.conf"
    conf.write_text(
        f"listener {mqtt.port} {mqtt.host}\nallow_anonymous true\n"
        f"persistence true\npersistence_location {folder}/\nmax_queued_messages 0\n"
        "max_inflight_messages 1000\n"
        "log_dest stdout\n" + ("user root\n" if os.geteuid() == 0 else "")
    )
    say(f"启动本地消息代理 {config.MQTT_URL}", f"starting a local mosquitto at {config.MQTT_URL}")
    process = subprocess.Popen([binary, "-c", str(conf)])
    deadline = time.monotonic() + 10
    while not answers(mqtt.host, mqtt.port, 0.2):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("mosquitto did not start: see its messages above")
        time.sleep(0.1)
    return process


def main() -> int:
    try:
        config = Config()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    os.chdir(ROOT)
    prepare_database()
    children: list[subprocess.Popen] = []
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        broker = start_broker(config)
        if broker:
            children.append(broker)
        bind = os.environ.get("BIND", f"127.0.0.1:{config.PORT}")
        children.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "wsgi:app",
                    "--bind",
                    bind,
                    "--workers",
                    os.environ.get("WEB_CONCURRENCY", "2"),
                    "--access-logfile",
                    "-",
                ]
            )
        )
        children.append(subprocess.Popen([sys.executable, "-m", "gateway"]))
        say(
            f"登记平台 http://{bind}/ ，接口文档 http://{bind}/api/docs",
            f"registry at http://{bind}/, API docs at http://{bind}/api/docs",
        )
        say(
            f"演示令牌见 {INSTANCE_DIR / 'demo-credentials.json'}；按 Ctrl-C 停止",
            f"demo tokens in {INSTANCE_DIR / 'demo-credentials.json'}; Ctrl-C stops everything",
        )
        while not stopping:
            if any(child.poll() is not None for child in children):
                say("有进程意外退出，全部停止", "a process exited: stopping everything")
                return 1
            time.sleep(0.3)
        return 0
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        say("已全部停止", "everything stopped")


if __name__ == "__main__":
    sys.exit(main())
