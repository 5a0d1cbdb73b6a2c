"""What the platform's answers give away (issue 29, the smaller findings): photos served without their
metadata (the file as uploaded only to the bureau), nosniff, private caching and the standard security
headers on every answer, and a page session that ends at logout and after a working day."""

import struct
from datetime import timedelta

from sqlalchemy import select, update

from registry.accounts.models import PageSession, Role
from registry.common.time import utcnow
from registry.extensions import db
from tests.support.machinery import post_file
from tests.support.pages import PageClient, post
from tests.support.photos import picture

SECRET = b"GPS 37.8612N 112.5488E inspector Wang"


def with_metadata(jpeg: bytes) -> bytes:
    """The JPEG with an APP1 Exif segment (a TIFF header, an empty IFD, then the secret) and a comment,
    as a phone's camera writes its position and owner."""
    exif = b"Exif\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00\x00" + b"\x00\x00\x00\x00" + SECRET
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    comment = b"\xff\xfe" + struct.pack(">H", len(SECRET) + 2) + SECRET
    return jpeg[:2] + app1 + comment + jpeg[2:]


def test_a_photo_is_served_without_its_metadata_and_the_original_only_to_the_bureau(client, bureau, auth, make_vehicle):
    truck = make_vehicle(plate="晋H20308")
    original = with_metadata(picture())
    uploaded = post_file(
        client, f"/api/v1/vehicles/{truck.id}/documents", bureau, original, "licence.jpg", kind="licence_front"
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    url = f"/api/v1/vehicles/{truck.id}/documents/{uploaded.get_json()['id']}/picture"
    police = auth(Role.POLICE)
    for headers in (police, bureau):
        with client.get(url, headers=headers) as served:
            assert served.status_code == 200 and served.mimetype == "image/jpeg"
            assert SECRET not in served.data and served.data[:2] == b"\xff\xd8"  # a JPEG still, pixels only
            assert "private" in served.headers["Cache-Control"] and "public" not in served.headers["Cache-Control"]
            assert served.headers["X-Content-Type-Options"] == "nosniff"
    with client.get(f"{url}?original=1", headers=bureau) as served:
        assert served.data == original  # evidence as received
        assert "private" in served.headers["Cache-Control"] and "public" not in served.headers["Cache-Control"]
    with client.get(f"{url}?original=1", headers=police) as served:
        assert SECRET not in served.data


def test_every_answer_carries_the_security_headers(client, bureau):
    for path, headers in (("/login", {}), ("/api/v1/firms", bureau), ("/static/site.css", {}), ("/healthz", {})):
        with client.get(path, headers=headers) as answer:
            assert answer.status_code == 200, path
            given = answer.headers
        assert given["X-Content-Type-Options"] == "nosniff", path
        assert given["X-Frame-Options"] == "DENY", path
        assert given["Referrer-Policy"] == "same-origin", path
        policy = given["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path
    docs = client.get("/api/docs")
    assert "script-src 'self' 'unsafe-inline'" in docs.headers["Content-Security-Policy"]  # Swagger UI's own


def test_no_page_runs_an_inline_script():
    """The policy forbids inline scripts: no template may hold one (or an on… attribute)."""
    import re
    from pathlib import Path

    for template in Path("registry/templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+=\"", text), template
        assert 'style="' not in text, template


def test_a_session_ends_at_logout_even_for_a_copy_of_its_cookie(app, browser_for):
    browser, user = browser_for(Role.POLICE)
    token = browser.token
    assert browser.get("/cases").status_code == 200
    kept = browser.get_cookie("session").value  # a copy taken before logging out (a shared PC, a proxy log)
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = PageClient(app, app.response_class, use_cookies=True)
    thief.set_cookie("session", kept)
    answer = thief.get("/cases")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert db.session.scalar(select(PageSession).where(PageSession.user_id == user.id)) is None


def test_a_session_lasts_a_working_day(app, browser_for):
    browser, user = browser_for(Role.POLICE)
    [row] = db.session.scalars(select(PageSession).where(PageSession.user_id == user.id)).all()
    hours = (row.expires_at - row.created_at) / timedelta(hours=1)
    assert hours == app.config["PAGE_SESSION_HOURS"] == 10
    assert app.permanent_session_lifetime == timedelta(hours=10)
    db.session.execute(update(PageSession).where(PageSession.id == row.id).values(expires_at=utcnow()))
    db.session.commit()
    assert browser.get("/cases").status_code == 302  # the day is over: log in again


def test_a_new_password_signs_every_browser_out(app, browser_for):
    from registry.accounts.services import set_password

    browser, user = browser_for(Role.POLICE)
    set_password(None, user, "another-long-password")
    db.session.commit()
    assert browser.get("/cases").status_code == 302


def test_a_request_that_changes_nothing_does_not_send_the_session_back(app, browser_for, make_firm):
    """A picker's search still answering after the person sent the form must not overwrite the session the
    form's answer set (its flash): CI lost "已抽取 4 条台账记录" so. Only a changed session is sent back."""
    make_firm(name="华电忻州热电")
    browser, _ = browser_for(Role.BUREAU)
    before = browser.get_cookie("session").value
    picked = browser.get("/pick/firms?q=华电")
    assert picked.status_code == 200 and "Set-Cookie" not in picked.headers
    # the form's answer sets a flash; the late answer of a search begun with the old cookie sets nothing
    form = post(browser, "/construction-units", {"name": "忻州路桥"})
    assert form.status_code == 302 and "Set-Cookie" in form.headers
    late = PageClient(app, app.response_class, use_cookies=True)
    late.set_cookie("session", before)
    assert "Set-Cookie" not in late.get("/pick/firms?q=华电").headers
    assert "已登记施工单位“忻州路桥”" in browser.get(form.location).get_data(as_text=True)
