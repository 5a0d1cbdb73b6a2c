"""Outbound requests only where they belong (issue 29): uplink targets and pictures by reference reach
public addresses only, unless OUTBOUND_PRIVATE_HOSTS lists the private ones; a POST is never redirected;
users read what went wrong in a person's words, administrators the raw text; a token never follows a
changed address; a CA certificate is a name in UPLINK_CA_DIR and says nothing of other files."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from registry import create_app
from registry.accounts.models import Role
from registry.accounts.services import create_user, issue_token
from registry.common.outbound import OutboundRefused, destination
from registry.extensions import db
from registry.firms.schemas import FirmInputSchema
from registry.firms.services import create_firm
from registry.gates.services import create_gate
from registry.uplink.models import UplinkTarget
from registry.uplink.relay import relay_target
from tests.support.databases import empty_database, flask_cli

INWARD = [
    "http://127.0.0.1:8000/x",
    "http://localhost:8000/x",
    "http://[::1]:8000/x",
    "http://2130706433:8000/x",  # 127.0.0.1 as a decimal
    "http://10.1.2.3/x",
    "http://169.254.169.254/latest/meta-data/",
    "http://192.168.0.10/x",
]


@pytest.mark.parametrize("url", INWARD)
def test_a_loopback_private_or_link_local_address_is_refused_unless_listed(url):
    with pytest.raises(OutboundRefused) as refused:
        destination(url)
    assert "OUTBOUND_PRIVATE_HOSTS" in refused.value.en
    host = (
        url.split("//")[1].split("/")[0].rsplit(":", 1)[0].strip("[]")
        if "[" in url
        else url.split("//")[1].split(":")[0].split("/")[0]
    )
    assert destination(url, [host, "127.0.0.0/8", "::1/128"]).address  # listed: allowed


def test_a_public_address_is_allowed_and_credentials_or_other_schemes_are_not():
    assert destination("https://8.8.8.8/reports").address == "8.8.8.8"
    with pytest.raises(OutboundRefused):
        destination("https://203.0.113.7/reports")  # the documentation range is not a public address
    for url in ("ftp://example.com/x", "https://user:pw@8.8.8.8/x", "file:///etc/passwd"):
        with pytest.raises(OutboundRefused):
            destination(url)


def relay_until(target_id: int, done, timeout: float = 30) -> None:
    """Run the relay for a target until `done()` holds. On PostgreSQL the relay takes only outbox rows of
    transactions older than every one still running in the whole cluster (docs/uplink.md), so a test
    running beside this one (another database, the same server) can hold the batch back for a moment."""
    deadline = time.monotonic() + timeout
    while True:
        relay_target(target_id)
        db.session.expire_all()
        if done():
            return
        if time.monotonic() > deadline:
            raise AssertionError("the relay did not get there in time")
        time.sleep(0.2)


class Server:
    """A local HTTP server answering every POST with (status, headers); it records what it received."""

    def __init__(self, status: int = 200, headers: dict | None = None, body: bytes = b"{}"):
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # the standard library names it so
                length = int(self.headers.get("Content-Length") or 0)
                seen.append((self.path, self.headers.get("Authorization"), self.rfile.read(length)))
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    """An instance of its own on a database whose transactions commit for real: on PostgreSQL the relay
    reads only the outbox rows of transactions that have ended, which the tests' rolled-back outer
    transaction never does. One pass is stored through the gate's API; admin and bureau tokens."""
    tmp_path = tmp_path_factory.mktemp("outbound")
    with empty_database(tmp_path) as url:
        assert flask_cli(url, "db", "upgrade").returncode == 0
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "IMAGE_DIR": str(tmp_path),
                          "UPLINK_CA_DIR": str(tmp_path / "uplink-ca")})  # fmt: skip
        with app.app_context():
            firm = create_firm(None, FirmInputSchema().load({"name": "华电", "industry": "power"}))
            gate, secret = create_gate(None, firm, "东门")
            tokens = {
                role: issue_token(None, create_user(None, role.value, role)) for role in (Role.ADMIN, Role.BUREAU)
            }
            db.session.commit()
            body = {"event_id": "o-1", "plate": "晋H40001", "plate_color": "yellow", "direction": "in",
                    "captured_at": "2026-11-20T10:00:00+08:00", "confidence": 0.9}  # fmt: skip
            answer = app.test_client().post(
                f"/api/v1/gates/{gate.code}/events", json=body, headers={"Authorization": f"Bearer {secret}"}
            )
            assert answer.status_code == 201
        try:
            yield {
                "app": app,
                "admin": {"Authorization": f"Bearer {tokens[Role.ADMIN]}"},
                "bureau": {"Authorization": f"Bearer {tokens[Role.BUREAU]}"},
            }
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def admin_headers(make_user):
    _, token = make_user(Role.ADMIN)
    return {"Authorization": f"Bearer {token}"}


def test_an_inward_target_is_refused_and_a_listed_one_taken(app, client, make_user, monkeypatch):
    admin = admin_headers(make_user)
    for url in INWARD[:4]:
        answer = client.post("/api/v1/uplink/targets", json={"name": url, "url": url, "token": "t" * 20}, headers=admin)
        assert answer.status_code == 422 and "OUTBOUND_PRIVATE_HOSTS" in json.dumps(answer.get_json()), url
    monkeypatch.setitem(app.config, "OUTBOUND_PRIVATE_HOSTS", ["127.0.0.1"])
    answer = client.post(
        "/api/v1/uplink/targets", json={"name": "本机", "url": INWARD[0], "token": "t" * 20}, headers=admin
    )
    assert answer.status_code == 201


def test_a_post_is_never_redirected_and_users_read_the_error_in_words(committed, monkeypatch):
    app, client = committed["app"], committed["app"].test_client()
    elsewhere = Server()
    redirecting = Server(307, {"Location": f"{elsewhere.url}/steal"})
    failing = Server(500, body=b"Traceback (most recent call last): internal secret at 10.0.0.5")
    monkeypatch.setitem(app.config, "OUTBOUND_PRIVATE_HOSTS", ["127.0.0.1"])
    context = app.app_context()
    context.push()
    try:
        for name, server in (("转向", redirecting), ("出错", failing)):
            db.session.add(UplinkTarget(name=name, url=f"{server.url}/reports", token="secret-token"))
        db.session.commit()
        for target in db.session.scalars(select(UplinkTarget).where(UplinkTarget.name.in_(("转向", "出错")))):
            relay_until(target.id, lambda target=target: db.session.get(UplinkTarget, target.id).failures > 0)
        assert elsewhere.seen == []  # the 307 was not followed: the batch went nowhere else
        assert len(redirecting.seen) == 1 and len(failing.seen) == 1
        rows = {
            row["target"]["name"]: row["target"]
            for row in client.get("/api/v1/uplink/targets", headers=committed["bureau"]).get_json()
        }
        assert "未跟随" in rows["转向"]["last_error"] and "HTTP 500" in rows["出错"]["last_error"]
        assert rows["出错"]["last_error_detail"] is None and "Traceback" not in json.dumps(rows, ensure_ascii=False)
        admin = committed["admin"]
        as_admin = {
            r["target"]["name"]: r["target"] for r in client.get("/api/v1/uplink/targets", headers=admin).get_json()
        }
        assert "internal secret" in as_admin["出错"]["last_error_detail"]
    finally:
        context.pop()
        for server in (elsewhere, redirecting, failing):
            server.close()


def test_a_changed_address_never_receives_the_stored_token(committed, monkeypatch):
    app, client, admin = committed["app"], committed["app"].test_client(), committed["admin"]
    old, new = Server(), Server()
    monkeypatch.setitem(app.config, "OUTBOUND_PRIVATE_HOSTS", ["127.0.0.1"])
    context = app.app_context()
    context.push()
    try:
        created = client.post(
            "/api/v1/uplink/targets",
            json={"name": "市平台", "url": f"{old.url}/reports", "token": "token-for-the-city"},
            headers=admin,
        )
        target_id = created.get_json()["id"]
        moved = client.patch(f"/api/v1/uplink/targets/{target_id}", json={"url": f"{new.url}/reports"}, headers=admin)
        assert moved.status_code == 200
        relay_until(target_id, lambda: db.session.get(UplinkTarget, target_id).last_error is not None)
        assert new.seen == [] and old.seen == []  # nothing sent without a token for the new address
        assert "缺少令牌" in db.session.get(UplinkTarget, target_id).last_error
        again = client.patch(f"/api/v1/uplink/targets/{target_id}", json={"token": "token-for-the-new"}, headers=admin)
        assert again.status_code == 200
        relay_until(target_id, lambda: db.session.get(UplinkTarget, target_id).delivered == 1)
        assert [auth for _, auth, _ in new.seen] == ["Bearer token-for-the-new"]
    finally:
        context.pop()
        old.close()
        new.close()


def test_a_ca_file_is_a_name_in_its_folder_and_says_nothing_of_other_files(committed, monkeypatch, tmp_path):
    app, client, admin = committed["app"], committed["app"].test_client(), committed["admin"]
    for name in ("/etc/passwd", "../secrets.pem", ".hidden"):
        answer = client.post(
            "/api/v1/uplink/targets",
            json={"name": name, "url": "https://8.8.8.8/r", "token": "t" * 20, "ca_file": name},
            headers=admin,
        )
        assert answer.status_code == 422 and "UPLINK_CA_DIR" in json.dumps(answer.get_json())
    monkeypatch.setitem(app.config, "UPLINK_CA_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "OUTBOUND_PRIVATE_HOSTS", ["127.0.0.1"])
    (tmp_path / "garbage.pem").write_text("not a certificate")
    errors = set()
    with app.app_context():
        for name in ("missing.pem", "garbage.pem"):
            target = UplinkTarget(name=name, url="https://127.0.0.1:9/r", token="t", ca_file=name)
            db.session.add(target)
            db.session.commit()
            relay_until(target.id, lambda target=target: db.session.get(UplinkTarget, target.id).last_error)
            errors.add(db.session.get(UplinkTarget, target.id).last_error)
    assert len(errors) == 1 and "CA 证书不可用" in errors.pop()  # a missing file reads like an unusable one


def test_a_picture_on_a_listed_host_that_resolves_inward_is_not_fetched(app, monkeypatch):
    from registry.pictures.fetching import FetchRefused, fetch

    with pytest.raises(FetchRefused) as refused:
        fetch("http://localhost:9/p.jpg", ["localhost"], 1024, 1)
    assert "OUTBOUND_PRIVATE_HOSTS" in str(refused.value)
