"""Page login: failed attempts are limited per client address and username."""

from flask import g

from registry.accounts.models import Role
from registry.accounts.services import set_password
from registry.extensions import db
from tests.support.pages import PASSWORD, PageClient, csrf_token


def test_failed_logins_are_rate_limited_per_username(app, make_user):
    user, _ = make_user(Role.POLICE, username="officer-rate")
    other, _ = make_user(Role.POLICE, username="officer-other")
    for account in (user, other):
        set_password(None, account, PASSWORD)
    db.session.commit()
    client = PageClient(app, app.response_class, use_cookies=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))

    def attempt(username, password):
        return client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    assert [attempt("officer-rate", "wrong-password").status_code for _ in range(5)] == [401] * 5
    blocked = attempt("officer-rate", PASSWORD)
    assert blocked.status_code == 429 and "请求过于频繁" in blocked.get_data(as_text=True)
    assert attempt("officer-other", PASSWORD).status_code == 302  # another account is not locked out
    g.pop("_login_user", None)
