"""DATABASE_READ_URL (issue 15): a real streaming replica (pg_basebackup and a second PostgreSQL on a
free port). Searches, exports and the dashboard read there; writes, and the reads of a page right after
its user wrote, go to the primary. The replica's replay is paused to tell the two apart: what the
replica answers is what it had when paused."""

import re
import shutil
import time

import pytest
from sqlalchemy import create_engine, text

from registry import create_app
from registry.accounts.models import Role
from registry.accounts.services import create_user, issue_token, set_password
from registry.extensions import db
from registry.firms.schemas import FirmInputSchema
from registry.firms.services import create_firm
from registry.gates.services import create_gate
from tests.support.databases import flask_cli
from tests.support.postgres_cluster import binaries_or_skip, primary, replica_of, server_folder

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def clusters():
    binaries_or_skip()
    base = server_folder()
    source = primary(base)
    try:
        migrated = flask_cli(source.url, "db", "upgrade")
        assert migrated.returncode == 0, migrated.stderr
        standby = replica_of(source, base)
        try:
            yield source, standby
        finally:
            standby.stop()
    finally:
        source.stop()
        shutil.rmtree(base, ignore_errors=True)


def replay(standby, paused: bool) -> None:
    engine = create_engine(standby.url)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()"))
    engine.dispose()


def until(check, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.fixture(scope="module")
def district(clusters, tmp_path_factory):
    source, standby = clusters
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": source.url,
            "DATABASE_READ_URL": standby.url,
            "IMAGE_DIR": str(tmp_path_factory.mktemp("images")),
        }
    )
    with app.app_context():
        firm = create_firm(None, FirmInputSchema().load({"name": "焦化集团", "industry": "coking"}))
        gate, secret = create_gate(None, firm, "东门")
        user = create_user(None, "replica-bureau", Role.BUREAU)
        set_password(None, user, PASSWORD)
        token = issue_token(None, user)
        db.session.commit()
        yield app, gate.code, {"Authorization": f"Bearer {secret}"}, {"Authorization": f"Bearer {token}"}
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def read_from(app, url: str, headers: dict) -> dict:
    answer = app.test_client().get(url, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def test_searches_read_the_replica_and_writes_the_primary(clusters, district):
    _, standby = clusters
    app, code, gate, bureau = district
    client = app.test_client()
    body = {"plate_color": "yellow", "direction": "in", "confidence": 0.9}
    first = client.post(
        f"/api/v1/gates/{code}/events",
        json=body | {"event_id": "r-1", "plate": "晋H77777", "captured_at": "2026-11-30T10:00:00+08:00"},
        headers=gate,
    )
    assert first.status_code == 201, first.get_json()
    assert until(lambda: read_from(app, "/api/v1/violations", bureau)["total"] >= 1), "the replica streams"
    seen = read_from(app, "/api/v1/violations", bureau)["total"]

    replay(standby, paused=True)
    try:
        second = client.post(  # a write: to the primary, whatever the replica does
            f"/api/v1/gates/{code}/events",
            json=body | {"event_id": "r-2", "plate": "晋H66666", "captured_at": "2026-11-30T11:00:00+08:00"},
            headers=gate,
        )
        assert second.status_code == 201
        new_pass = second.get_json()["id"]
        time.sleep(0.5)
        assert read_from(app, "/api/v1/violations", bureau)["total"] == seen  # the replica, paused
        assert read_from(app, "/api/v1/events", bureau)["total"] == 1
        assert read_from(app, f"/api/v1/events/{new_pass}", bureau)["plate"] == "晋H66666"  # by id: the primary
        csv = client.get("/api/v1/violations.csv", headers=bureau).get_data(as_text=True)
        assert "晋H77777" in csv and "晋H66666" not in csv  # exports read the replica too

        # A reviewer confirms on a page: the list they come back to reads the primary for a while.
        pages = app.test_client()
        login = pages.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
        pages.post("/login", data={"username": "replica-bureau", "password": PASSWORD, "csrf_token": csrf})
        listed = pages.get("/violations").get_data(as_text=True)
        assert "晋H66666" not in listed  # before writing: the replica
        violation = read_from(app, "/api/v1/violations", bureau)["items"][0]["id"]
        reviewed = pages.post(
            f"/violations/{violation}/review", data={"status": "confirmed", "note": "核实", "csrf_token": csrf}
        )
        assert reviewed.status_code == 302
        after = pages.get("/violations").get_data(as_text=True)
        assert "晋H66666" in after and "已确认" in after  # read-your-writes: the primary
        api_view = read_from(app, "/api/v1/violations", bureau)
        assert api_view["total"] == seen and {v["status"] for v in api_view["items"]} == {"open"}  # still the replica
    finally:
        replay(standby, paused=False)
    assert until(lambda: read_from(app, "/api/v1/violations", bureau)["total"] > seen), "replay resumed"


def test_the_dashboard_reads_the_replica(district):
    app, _code, _gate, _bureau = district
    pages = app.test_client()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', pages.get("/login").get_data(as_text=True)).group(1)
    pages.post("/login", data={"username": "replica-bureau", "password": PASSWORD, "csrf_token": csrf})
    statements = []
    with app.app_context():
        replica = db.engines["replica"]

    def seen(conn, cursor, statement, params, context, executemany):
        statements.append(statement)

    from sqlalchemy import event

    event.listen(replica, "before_cursor_execute", seen)
    try:
        assert pages.get("/dashboard").status_code == 200
    finally:
        event.remove(replica, "before_cursor_execute", seen)
    assert any("daily_violations" in s for s in statements) and any("gates" in s for s in statements)
