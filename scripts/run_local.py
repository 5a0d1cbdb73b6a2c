"""`make run`: migrate, seed the demo once, find or start a broker, run registry and gateway.

A process that exits (the registry, the gateway, the local broker) is started again after a pause
that grows while it keeps exiting; Ctrl-C (or SIGTERM) stops everything this script started.
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
SCRIPTS = ROOT / "scripts"
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
    # the first run also records the district's last day of traffic, pictures included (about half a minute;
    # DEMO_HISTORY_HOURS changes how much, 0 for none)
    hours = os.environ.get("DEMO_HISTORY_HOURS", "24")
    result = app.test_cli_runner().invoke(seed_command, ["--history-hours", hours])
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


class Supervised:
    """A child process kept running: one that exits is started again after a pause that doubles
    with each quick exit (1 s up to 60 s), so that one dying never stops the others."""

    def __init__(self, name_zh: str, name_en: str, argv: list[str]):
        self.name_zh, self.name_en, self.argv = name_zh, name_en, argv
        self.process: subprocess.Popen | None = None
        self.started = self.due = 0.0
        self.pause = 1.0

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv)
        self.started = time.monotonic()

    def watch(self) -> None:
        """Start again once its pause is over a process that exited."""
        now = time.monotonic()
        if self.process is None:
            if now >= self.due:
                say(f"重新启动{self.name_zh}", f"restarting the {self.name_en}")
                self.start()
            return
        status = self.process.poll()
        if status is None:
            return
        if now - self.started > 60:  # it had been running a good while: start again soon
            self.pause = 1.0
        say(
            f"{self.name_zh}进程意外退出（退出码 {status}），{self.pause:.0f} 秒后重启",
            f"the {self.name_en} exited (status {status}); restarting it in {self.pause:.0f} s",
        )
        self.process, self.due = None, now + self.pause
        self.pause = min(self.pause * 2, 60.0)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()

    def wait(self) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def main() -> int:
    try:
        config = Config()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    os.chdir(ROOT)
    prepare_database()
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    broker = start_broker(config)
    bind = os.environ.get("BIND", f"127.0.0.1:{config.PORT}")
    web = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", bind]
    web += ["--workers", os.environ.get("WEB_CONCURRENCY", "2"), "--access-logfile", "-"]
    web += ["--worker-class", "gthread", "--threads", os.environ.get("WEB_THREADS", "4")]  # as the container
    children = [
        Supervised("登记平台", "registry", web),
        Supervised("网关", "gateway", [sys.executable, "-m", "gateway"]),
        Supervised("远程排放终端接收", "terminal receiver", [sys.executable, "-m", "gateway.terminals"]),
        # the demo's trucks' terminals, live (scripts/simulate_obd.py): OBD data arrives as in the field
        Supervised(
            "远程排放终端模拟", "terminal simulator", [sys.executable, str(ROOT / "scripts" / "simulate_obd.py")]
        ),
        # the demo's remote-sensing station, black-smoke camera and checkpoints, live (scripts/simulate_roadside.py)
        Supervised(
            "路侧监测模拟",
            "roadside simulator",
            [sys.executable, str(ROOT / "scripts" / "simulate_roadside.py"), "--base", f"http://{bind}"],
        ),
        Supervised("上报中继", "uplink relay", [sys.executable, "-m", "flask", "uplink", "relay"]),
    ]
    try:
        for child in children:
            child.start()
        say(
            f"登记平台 http://{bind}/ ，接口文档 http://{bind}/api/docs",
            f"registry at http://{bind}/, API docs at http://{bind}/api/docs",
        )
        say(
            f"演示令牌见 {INSTANCE_DIR / 'demo-credentials.json'}；按 Ctrl-C 停止",
            f"demo tokens in {INSTANCE_DIR / 'demo-credentials.json'}; Ctrl-C stops everything",
        )
        while not stopping:
            if broker and broker.poll() is not None:
                say("消息代理意外退出，重新启动", "the broker exited: starting it again")
                broker = start_broker(config)
            for child in children:
                child.watch()
            time.sleep(0.3)
        return 0
    finally:
        for child in reversed(children):
            child.stop()
        for child in children:
            child.wait()
        if broker and broker.poll() is None:
            broker.terminate()
            broker.wait(timeout=15)
        say("已全部停止", "everything stopped")


if __name__ == "__main__":
    sys.exit(main())
