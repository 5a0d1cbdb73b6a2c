"""Page login: failed attempts counted by the database per address and user name and per address
alone, the same for every gunicorn worker; the session cookie is SameSite=Lax, and Secure over HTTPS."""

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from flask import g, session

from registry.accounts.models import Role
from registry.accounts.services import set_password
from registry.config import Config
from registry.extensions import db
from tests.support.databases import empty_database, flask_cli
from tests.support.pages import PASSWORD, PageClient, csrf_token
from tests.support.web import served_registry


def police(make_user, *names: str) -> list:
    """Police users with the page password."""
    users = [make_user(Role.POLICE, username=name)[0] for name in names]
    for user in users:
        set_password(None, user, PASSWORD)
    db.session.commit()
    return users


def page_client(app):
    """A function making one login attempt, from an address."""
    client = PageClient(app, app.response_class, use_cookies=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))

    def attempt(username, password, address="203.0.113.5"):
        data = {"username": username, "password": password, "csrf_token": token}
        return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})

    return attempt


def test_failed_logins_are_limited_per_address_and_username(app, make_user):
    police(make_user, "officer-rate", "officer-other")
    attempt = page_client(app)
    assert [attempt("officer-rate", "wrong-password").status_code for _ in range(5)] == [401] * 5
    blocked = attempt("Officer-Rate ", PASSWORD)  # the same name, however it is typed
    assert blocked.status_code == 429 and "请求过于频繁" in blocked.get_data(as_text=True)
    assert 0 < int(blocked.headers["Retry-After"]) <= 61
    assert attempt("officer-rate", PASSWORD, address="198.51.100.7").status_code == 302  # another address
    g.pop("_login_user", None)
    assert attempt("officer-other", PASSWORD).status_code == 302  # another account is not locked out
    g.pop("_login_user", None)


def test_many_user_names_from_one_address_are_limited(app, make_user):
    police(make_user, "officer-real")
    attempt = page_client(app)
    answers = [attempt(f"guess-{n}", "wrong-password").status_code for n in range(25)]
    assert answers[:20] == [401] * 20 and set(answers[20:]) == {429}
    assert attempt("officer-real", PASSWORD).status_code == 429  # this address waits
    assert attempt("officer-real", PASSWORD, address="198.51.100.9").status_code == 302
    g.pop("_login_user", None)


def test_a_good_login_forgets_that_addresses_failures_for_that_name(app, make_user):
    police(make_user, "officer-forgets")
    attempt = page_client(app)
    assert [attempt("officer-forgets", "wrong").status_code for _ in range(4)] == [401] * 4
    assert attempt("officer-forgets", PASSWORD).status_code == 302
    g.pop("_login_user", None)
    assert [attempt("officer-forgets", "wrong").status_code for _ in range(4)] == [401] * 4


def test_the_session_cookie_is_samesite_lax_and_secure_over_https(app, monkeypatch):
    for scheme, secure in (("http", False), ("https", True)):
        settings = Config({"PREFERRED_URL_SCHEME": scheme}).as_flask()
        for key in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_HTTPONLY"):
            monkeypatch.setitem(app.config, key, settings[key])
        with app.test_request_context():
            session["x"] = 1
            response = app.response_class()
            app.session_interface.save_session(app, session, response)
        cookie = response.headers["Set-Cookie"]
        assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
        assert ("Secure" in cookie) is secure
    assert Config({"SESSION_COOKIE_SECURE": "true"}).SESSION_COOKIE_SECURE is True  # behind a TLS proxy


def test_failed_logins_count_across_gunicorn_workers(tmp_path):
    """Two workers, each once counting in its own memory: now the database counts for both."""
    with empty_database(tmp_path) as url:
        for args in (("db", "upgrade"), ("users", "create", "officer-served", "--role", "police")):
            assert flask_cli(url, *args, env={"INSTANCE_PATH": str(tmp_path)}).returncode == 0
        with served_registry(url, tmp_path) as base:
            statuses = []
            for _ in range(8):  # a fresh connection each time: gunicorn spreads them over its workers
                jar = CookieJar()
                opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
                page = opener.open(f"{base}/login", timeout=5).read().decode()
                token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
                body = urllib.parse.urlencode({"username": "officer-served", "password": "wrong", "csrf_token": token})
                try:
                    statuses.append(opener.open(f"{base}/login", data=body.encode(), timeout=5).status)
                except urllib.error.HTTPError as error:
                    statuses.append(error.code)
    assert statuses == [401] * 5 + [429] * 3
