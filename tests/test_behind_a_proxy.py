"""The registry behind Debian's nginx, set up as deploy/nginx-registry.conf documents (issue 29): every
limit counts the client nginx saw, not the proxy (one guesser no longer locks everyone out), an address
a client writes into X-Forwarded-For itself is not taken, and submissions sent together are counted
one after the other (never six stored against a limit of five). Clients connect from their own
loopback addresses (127.0.0.2, 127.0.0.3 …), which Linux answers without any set-up."""

import os
import re
import shutil
import signal
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import urllib3
from sqlalchemy import select

from registry import create_app
from registry.accounts.models import LoginFailure, Role
from registry.accounts.services import create_user, set_password
from registry.extensions import db
from registry.registrations.models import VehicleRegistration
from tests.support.databases import ROOT, empty_database, flask_cli
from tests.support.mosquitto import free_port
from tests.support.pages import PASSWORD
from tests.support.photos import picture
from tests.support.web import served_registry

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not os.path.exists(NGINX), reason="Debian's nginx: `make test` installs it")


@contextmanager
def nginx_in_front(upstream: str, folder: Path):
    """nginx on a free port passing everything to `upstream` (host:port) with the project's own snippet."""
    port = free_port()
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy; fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
    upstream registry {{ server {upstream}; }}
    server {{
        listen 127.0.0.1:{port};
        include {ROOT / "deploy" / "nginx-registry.conf"};
    }}
}}
""")
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)], start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib3.PoolManager().request("GET", f"http://127.0.0.1:{port}/healthz", timeout=1, retries=False)
                break
            except urllib3.exceptions.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"nginx did not start: {(folder / 'nginx-error.log').read_text()}") from None
                time.sleep(0.1)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


class Phone:
    """A client at its own address (a loopback alias), keeping its session cookie."""

    def __init__(self, port: int, address: str):
        self.pool = urllib3.HTTPConnectionPool("127.0.0.1", port, source_address=(address, 0), retries=False)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, **kwargs):
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = kwargs.pop("headers", {}) | ({"Cookie": cookie} if cookie else {})
        answer = self.pool.request(method, path, headers=headers, timeout=30, redirect=False, **kwargs)
        for line in answer.headers.getlist("Set-Cookie"):
            name, _, value = line.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return answer

    def token(self, path: str) -> str:
        page = self.request("GET", path).data.decode()
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def log_in(self, username: str, password: str, forged: str | None = None):
        fields = {"username": username, "password": password, "csrf_token": self.token("/login")}
        headers = {"X-Forwarded-For": forged} if forged else {}
        return self.request("POST", "/login", fields=fields, encode_multipart=False, headers=headers)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """The registry under gunicorn (2 workers, 4 threads) on a database of its own, behind nginx."""
    folder = tmp_path_factory.mktemp("proxied")
    with empty_database(folder) as url:
        assert flask_cli(url, "db", "upgrade", env={"INSTANCE_PATH": str(folder)}).returncode == 0
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            for name in ("officer-a", "officer-b"):
                set_password(None, create_user(None, name, Role.POLICE), PASSWORD)
            db.session.commit()
        env = {"PROXY_COUNT": "1", "REGISTRATION_ADDRESS_RATE_LIMIT": "5 per hour", "SECRET_KEY": uuid.uuid4().hex}
        with served_registry(url, folder, env) as base, nginx_in_front(base.split("//")[1], folder) as port:
            yield {"app": app, "port": port}
        with app.app_context():
            db.engine.dispose()


def test_failed_logins_count_the_client_not_the_proxy(proxied):
    port, app = proxied["port"], proxied["app"]
    guesser, officer = Phone(port, "127.0.0.2"), Phone(port, "127.0.0.3")
    # one guesser, each time writing another address of its own into X-Forwarded-For
    statuses = [guesser.log_in("officer-a", "wrong-password", forged=f"203.0.113.{n}").status for n in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    assert officer.log_in("officer-a", PASSWORD).status == 302  # the officer at another address logs in
    assert guesser.log_in("officer-b", PASSWORD).status == 302  # and the guesser's other name is not locked
    with app.app_context():
        addresses = set(db.session.scalars(select(LoginFailure.address)))
    assert addresses == {"127.0.0.2"}  # never the proxy's 127.0.0.1, never the forged ones


def test_submissions_sent_together_are_counted_one_after_the_other(proxied):
    port, app = proxied["port"], proxied["app"]
    photo = picture()
    statuses, lock = [], threading.Lock()

    def register(n: int):
        phone = Phone(port, "127.0.0.4")  # one address: a depot's Wi-Fi
        fields = {
            "csrf_token": phone.token("/register-truck"),
            "plate": f"晋H4{n:04d}",
            "plate_color": "yellow",
            "vin": "LZZ5BLSJ1KW123457",
            "engine_no": f"WP10-{n}",
            "contact_phone": "138 0000 0000",
            "registration_date": "2021-08-01",
            "fuel_type": "diesel",
            "vehicle_class": "heavy_truck",
            "emission_stage": "6",
            "owner": "忻州顺达物流",
            "licence_front": ("front.jpg", photo, "image/jpeg"),
            "environmental_list": ("list.jpg", photo, "image/jpeg"),
        }
        answer = phone.request("POST", "/register-truck", fields=fields)
        with lock:
            statuses.append(answer.status)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        stored = db.session.scalars(select(VehicleRegistration.submitted_from)).all()
    assert sorted(statuses) == [200] * 5 + [429] * 7, statuses
    assert stored == ["127.0.0.4"] * 5
