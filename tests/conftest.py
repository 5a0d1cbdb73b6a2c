"""Schema built once by the migrations; each test runs inside a transaction rolled back after it.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. Run in parallel
(pytest-xdist, `make test`), each worker has a database of its own: a SQLite file under its own temporary
folder, or on PostgreSQL the named database with the worker's name appended, made for the run and
dropped after it.
"""

import os
from contextlib import contextmanager

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy.engine import make_url

from registry import create_app
from registry.accounts.models import Role
from registry.accounts.services import create_user, issue_token
from registry.config import database_url
from registry.extensions import db
from registry.firms.schemas import FirmInputSchema
from registry.firms.services import create_firm
from registry.sites.models import ConstructionUnit
from registry.vehicles.schemas import VehicleInputSchema
from registry.vehicles.services import create_vehicle
from tests.support.databases import database_named
from tests.support.mosquitto import Mosquitto

pytest_plugins = [
    "tests.support.gateway",
    "tests.support.machinery",
    "tests.support.pages",
    "tests.support.violations",
]


@contextmanager
def test_database(tmp_path_factory, worker: str):
    """The URL of this worker's database (`worker` is xdist's gw0, gw1...; `master` when not parallel)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    url = database_url(url, "TEST_DATABASE_URL")
    if worker == "master":
        yield url
        return
    with database_named(url, f"{make_url(url).database}_{worker}") as own:
        yield own


@pytest.fixture(scope="session")
def app(tmp_path_factory, worker_id):
    with test_database(tmp_path_factory, worker_id) as url:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "IMAGE_DIR": str(tmp_path_factory.mktemp("images")),
                # The tests replay passes of 2021 and 2022, when the plan's dates applied: those clocks are right.
                "CAMERA_CLOCK_BEHIND_DAYS": 36_600,
            }
        )
        with app.app_context():
            downgrade(revision="base")  # a database left by an earlier run starts from empty too
            upgrade()
            db.session.remove()
            # Commits inside a test release a SAVEPOINT; the outer transaction is never committed.
            db.session.configure(join_transaction_mode="create_savepoint")
        yield app
        with app.app_context():  # close the pool's connections now, not whenever they are collected
            db.engine.dispose()


@pytest.fixture(autouse=True)
def transaction(app):
    """Bind the session to one connection whose outer transaction is rolled back after the test."""
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection
        try:
            yield connection
        finally:
            db.session.remove()
            outer.rollback()
            connection.close()
            engines[None] = engine


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user():
    def make(role: Role | str = Role.BUREAU, username: str | None = None, **links):
        """links: firm_id or construction_unit_id; firm and construction users get a fresh one if not given."""
        role = Role(role)
        if role == Role.CONSTRUCTION and "construction_unit_id" not in links:
            unit = ConstructionUnit(name=f"施工单位{make.count}")
            db.session.add(unit)
            db.session.flush()
            links["construction_unit_id"] = unit.id
        if role == Role.FIRM and "firm_id" not in links:
            links["firm_id"] = create_firm(
                None, FirmInputSchema().load({"name": f"企业{make.count}", "industry": "steel"})
            ).id
        user = create_user(None, username or f"{role.value}-{make.count}", role, **links)
        make.count += 1
        token = issue_token(None, user)
        db.session.commit()
        return user, token

    make.count = 0
    return make


@pytest.fixture
def auth(make_user):
    """Headers for a request made by a user of `role`."""

    def headers(role: Role | str = Role.BUREAU, **extra) -> dict:
        _user, token = make_user(role)  # firm and construction users each get their own firm or unit
        return {"Authorization": f"Bearer {token}", **extra}

    return headers


@pytest.fixture
def bureau(auth):
    return auth(Role.BUREAU)


@pytest.fixture
def make_firm():
    def make(**overrides):
        data = {"name": "测试企业有限公司", "industry": "steel"} | overrides
        firm = create_firm(None, FirmInputSchema().load(data))
        db.session.commit()
        return firm

    return make


@pytest.fixture
def make_vehicle():
    def make(**overrides):
        data = {
            "plate": "晋H12345",
            "plate_color": "yellow",
            "fuel_type": "diesel",
            "vehicle_class": "heavy_truck",
            "emission_stage": "6",
        } | overrides
        vehicle = create_vehicle(None, VehicleInputSchema().load({k: v for k, v in data.items() if v is not None}))
        db.session.commit()
        return vehicle

    return make


@pytest.fixture
def broker(tmp_path):
    """A real mosquitto on a free port, stopped after the test."""
    mosquitto = Mosquitto(tmp_path / "broker")
    mosquitto.start()
    try:
        yield mosquitto
    finally:
        mosquitto.remove()
