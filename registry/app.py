"""The application factory, as a list of steps."""

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

from registry.accounts.auth import BEARER_SCHEME
from registry.common import headers as secure_headers
from registry.common.errors import register_errorhandlers
from registry.common.jsonio import JSONProvider
from registry.common.replica import REPLICA, remember_writes
from registry.common.text import UNSAFE_IN_LINE
from registry.config import INSTANCE_DIR, PROJECT_ROOT, Config
from registry.extensions import api, csrf, db, login_manager, mark_write_requests, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the registry; `config` overrides settings read from the environment (for tests)."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=True)
    app.config.from_mapping(Config().as_flask())
    app.config.from_mapping(config or {})
    app.json = JSONProvider(app)
    app.json.ensure_ascii = False
    app.url_map.converters["int"] = DatabaseId
    app.url_map.converters["default"] = app.url_map.converters["string"] = Segment
    app.url_map.converters["path"] = Path
    # A code typed by anyone, checked by the view itself (public verification answers "not valid").
    app.url_map.converters["typed"] = Typed
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    secure_headers.register(app)
    if app.config["PROXY_COUNT"]:
        # the client's address and scheme as the proxies in front saw them (werkzeug's ProxyFix trusts
        # exactly this many hops of X-Forwarded-For: an address a client writes itself is not taken)
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app


class DatabaseId(IntegerConverter):
    """`<int:...>` in a URL: a positive id that fits the database's integer, else the route is a 404."""

    def __init__(self, url_map, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, **kwargs)


class Segment(UnicodeConverter):
    """`<code>` in a URL: one path segment with no character that text may not hold (common/text.py),
    else the route is a 404; a NUL in a gate code never reaches a query."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, **kwargs)
        self.regex = self.regex.replace("[^/]", f"[^/{UNSAFE_IN_LINE}]")


class Path(PathConverter):
    regex = f"[^/{UNSAFE_IN_LINE}][^{UNSAFE_IN_LINE}]*?"


class Typed(PathConverter):
    regex = r"[^/][\s\S]*?"  # anything at all, line breaks included


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def register_extensions(app: Flask) -> None:
    import registry.models  # noqa: F401  (the whole schema, for Alembic and relationships)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):  # the busy timeout is sqlite3's `timeout`
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {"timeout": app.config["SQLITE_BUSY_TIMEOUT_SECONDS"]} | options.get(
            "connect_args", {}
        )
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if app.config.get("DATABASE_READ_URL"):
        app.config["SQLALCHEMY_BINDS"] = {REPLICA: {"url": app.config["DATABASE_READ_URL"], "pool_pre_ping": True}}
    db.init_app(app)
    mark_write_requests(app)
    remember_writes(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    app.config.setdefault("API_SPEC_OPTIONS", {"security": [{"bearerAuth": []}]})
    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", BEARER_SCHEME)
    api.spec.components.security_scheme("gateSecret", BEARER_SCHEME | {"description": "the gate's own secret"})
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's own default is None: no limit at all
        # a gate event twice over, or three phone photos in one form (machinery, truck registration)
        photos = 3 * app.config["MAX_PHOTO_BYTES"] + 1024 * 1024
        app.config["MAX_CONTENT_LENGTH"] = max(app.config["MAX_EVENT_BYTES"] * 2, photos)
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # checked for page forms only (accounts/views.py)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the login session
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"


def register_blueprints(app: Flask) -> None:
    from registry.accounts.api import blp as accounts_api
    from registry.accounts.user_views import bp as user_pages
    from registry.accounts.views import bp as accounts_pages
    from registry.alerts.api import blp as alerts_api
    from registry.alerts.views import bp as alert_pages
    from registry.cameras.api import blp as vendors_api
    from registry.cases.api import blp as cases_api
    from registry.cases.views import bp as case_pages
    from registry.checkpoints.views import bp as checkpoint_pages
    from registry.compliance.api import blp as checks_api
    from registry.dashboard.views import bp as dashboard_pages
    from registry.documents.api import blp as documents_api
    from registry.documents.views import bp as document_pages
    from registry.emitters.api import blp as emitters_api
    from registry.emitters.views import bp as emitter_pages
    from registry.evaluation.api import blp as evaluation_api
    from registry.evaluation.views import bp as evaluation_pages
    from registry.events.api import blp as events_api
    from registry.events.views import bp as pass_pages
    from registry.firms.api import blp as firms_api
    from registry.firms.views import bp as firm_pages
    from registry.gates.api import blp as gates_api
    from registry.gates.views import bp as gate_pages
    from registry.health.views import bp as health
    from registry.inplant.api import blp as plant_vehicles_api
    from registry.inplant.views import bp as plant_pages
    from registry.inspections.api import blp as inspections_api
    from registry.inspections.views import bp as inspection_pages
    from registry.ledger.views import bp as ledger_pages
    from registry.machinery.api import blp as machinery_api
    from registry.machinery.data_api import blp as machinery_data_api
    from registry.machinery.public_views import bp as public_pages
    from registry.machinery.views import bp as machinery_pages
    from registry.obd.api import blp as obd_api
    from registry.obd.views import bp as obd_pages
    from registry.pages.views import bp as pages
    from registry.pickers.views import bp as pickers
    from registry.policies.api import blp as policies_api
    from registry.policies.views import bp as policy_pages
    from registry.registrations.views import bp as registration_pages
    from registry.reports.api import blp as reports_api
    from registry.roadmap.views import bp as roadmap_pages
    from registry.sensing.api import blp as sensing_api
    from registry.sensing.views import bp as sensing_pages
    from registry.sites.api import blp as sites_api
    from registry.sites.unit_views import bp as unit_pages
    from registry.sites.views import bp as site_pages
    from registry.smoke.api import blp as smoke_api
    from registry.smoke.views import bp as smoke_pages
    from registry.stations.views import bp as station_pages
    from registry.uplink.api import blp as uplink_api
    from registry.uplink.views import bp as uplink_pages
    from registry.vehicles.api import blp as vehicles_api
    from registry.vehicles.views import bp as vehicle_pages
    from registry.violations.api import blp as violations_api
    from registry.violations.views import bp as violation_pages
    from registry.weighbridge.api import blp as weighbridge_api
    from registry.weighbridge.views import bp as weighbridge_pages
    from registry.zones.api import blp as zones_api
    from registry.zones.views import bp as zone_pages

    blueprints = (
        firms_api,
        gates_api,
        vehicles_api,
        documents_api,
        policies_api,
        alerts_api,
        evaluation_api,
        checks_api,
        events_api,
        vendors_api,
        machinery_api,
        sites_api,
        machinery_data_api,
        violations_api,
        cases_api,
        weighbridge_api,
        plant_vehicles_api,
        inspections_api,
        uplink_api,
        reports_api,
        accounts_api,
        obd_api,
        sensing_api,
        smoke_api,
        emitters_api,
        zones_api,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    page_blueprints = (
        pages,
        pickers,
        case_pages,
        accounts_pages,
        machinery_pages,
        site_pages,
        public_pages,
        violation_pages,
        alert_pages,
        dashboard_pages,
        registration_pages,
        document_pages,
        evaluation_pages,
        uplink_pages,
        inspection_pages,
        firm_pages,
        gate_pages,
        vehicle_pages,
        unit_pages,
        user_pages,
        policy_pages,
        weighbridge_pages,
        plant_pages,
        ledger_pages,
        pass_pages,
        obd_pages,
        smoke_pages,
        sensing_pages,
        emitter_pages,
        zone_pages,
        checkpoint_pages,
        station_pages,
        roadmap_pages,
    )
    for blueprint in (health, *page_blueprints):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from registry.accounts.cli import users_cli
    from registry.demo.cli import demo_cli
    from registry.gates.cli import gates_cli
    from registry.ledger.cli import ledger_cli
    from registry.obd.cli import obd_cli
    from registry.partitions.cli import partitions_cli
    from registry.pictures.cli import pictures_cli
    from registry.reports.cli import reports_cli
    from registry.retention.cli import retention_cli
    from registry.statistics.cli import statistics_cli
    from registry.uplink.cli import uplink_cli
    from registry.vehicles.cli import vehicles_cli
    from registry.weighbridge.cli import weighbridge_cli

    for group in (
        obd_cli,
        users_cli,
        gates_cli,
        vehicles_cli,
        demo_cli,
        retention_cli,
        pictures_cli,
        statistics_cli,
        partitions_cli,
        weighbridge_cli,
        ledger_cli,
        uplink_cli,
        reports_cli,
    ):
        app.cli.add_command(group)
