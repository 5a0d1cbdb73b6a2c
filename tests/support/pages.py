"""Logged-in page clients with CSRF tokens (loaded as a pytest plugin)."""

import re

import pytest
from flask import g
from flask.testing import FlaskClient

from registry.accounts.models import Role
from registry.accounts.services import set_password
from registry.extensions import db

PASSWORD = "correct-horse-battery"


class PageClient(FlaskClient):
    """The tests hold one app context open, which Flask then shares with every request, `g` included:
    forget what Flask-WTF and Flask-Login cache in `g`, so that each client is seen with its own session."""

    def open(self, *args, **kwargs):
        g.pop("csrf_token", None)
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def browser_for(app, make_user):
    """A logged-in test client for a new user of `role`, and that user."""

    def login(role: Role):
        user, _ = make_user(role)
        set_password(None, user, PASSWORD)
        db.session.commit()
        client = PageClient(app, app.response_class, use_cookies=True)
        token = csrf_token(client.get("/login").get_data(as_text=True))
        answer = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 302
        client.token = token
        return client, user

    return login


def post(client, url, data, **kwargs):
    return client.post(url, data={**data, "csrf_token": client.token}, **kwargs)
