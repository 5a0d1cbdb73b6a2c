"""Settings from the environment, read in one place by the web app and the gateway."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from limits import parse_many
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))
DEV_SECRET_KEY = "dev-only-secret-change-me"


class ConfigError(RuntimeError):
    """A setting is malformed; the message names the setting."""

    def __init__(self, name: str, value: str, reason: str):
        super().__init__(f"配置项 {name} 无效 / setting {name} is malformed: {reason} (got {value!r})")
        self.name = name


@dataclass(frozen=True)
class MqttSettings:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> MqttSettings:
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise ConfigError("MQTT_URL", url, "scheme must be mqtt:// or mqtts://")
        if not parts.hostname:
            raise ConfigError("MQTT_URL", url, "a host is required")
        try:
            port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
        except ValueError as exc:
            raise ConfigError("MQTT_URL", url, str(exc)) from None
        return cls(parts.hostname, port, parts.scheme == "mqtts", parts.username, parts.password)


def _int(env: dict, name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, raw, "must be a whole number") from None
    if not low <= value <= high:
        raise ConfigError(name, raw, f"must be between {low} and {high}")
    return value


def _bool(env: dict, name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        raise ConfigError(name, raw, "must be true or false")
    return raw in ("1", "true", "yes", "on")


def _rates(env: dict, name: str, default: str) -> str:
    """Rates such as "5 per minute;20 per hour" (the `limits` package's notation)."""
    raw = env.get(name) or default
    try:
        if not parse_many(raw):
            raise ValueError("no rate given")
    except ValueError as exc:
        raise ConfigError(name, raw, f"expected rates such as '5 per minute;20 per hour' ({exc})") from None
    return raw


def _json(env: dict, name: str, default):
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(name, raw, f"not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ConfigError(name, raw, "must be a JSON object")
    return value


def database_url(raw: str, name: str = "DATABASE_URL") -> str:
    """A database URL checked and set to the drivers this project ships (psycopg 3)."""
    # Heroku-style and bare postgres URLs mean psycopg 3, the driver this project ships.
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(name, raw, str(exc)) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(name, raw, "only sqlite and postgresql are supported")
    return raw


def _check_code_format(template: str, district: str) -> None:
    if "{serial" not in template:
        raise ConfigError("MACHINERY_CODE_FORMAT", template, "must contain {serial}")
    try:
        sample = template.format(district=district, year=2026, serial=999999)
    except (KeyError, ValueError, IndexError) as exc:
        raise ConfigError(
            "MACHINERY_CODE_FORMAT", template, f"only {{district}}, {{year}}, {{serial}}: {exc}"
        ) from None
    if len(sample) > 32:
        raise ConfigError("MACHINERY_CODE_FORMAT", template, "codes must fit in 32 characters")


def _check_hours(text: str) -> None:
    start, sep, end = text.partition("-")
    try:
        if not sep:
            raise ValueError("no dash")
        time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise ConfigError("WORKING_HOURS", text, "expected HH:MM-HH:MM, e.g. 07:00-19:00") from None


class Config:
    """Every setting the registry and the gateway read, with laptop-friendly defaults."""

    def __init__(self, env: dict | None = None):
        env = dict(os.environ if env is None else env)
        self.SQLALCHEMY_DATABASE_URI = database_url(
            env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'registry.sqlite3'}"
        )
        # A streaming replica for searches, exports and the dashboard (registry.common.replica).
        read = env.get("DATABASE_READ_URL")
        self.DATABASE_READ_URL = database_url(read, "DATABASE_READ_URL") if read else None
        self.PRIMARY_AFTER_WRITE_SECONDS = _int(env, "PRIMARY_AFTER_WRITE_SECONDS", 10, 0, 3600)
        self.MQTT_URL = env.get("MQTT_URL") or "mqtt://127.0.0.1:1883"
        self.MQTT = MqttSettings.parse(self.MQTT_URL)
        self.SECRET_KEY = env.get("SECRET_KEY") or DEV_SECRET_KEY
        if len(self.SECRET_KEY) < 16:
            raise ConfigError("SECRET_KEY", "***", "must be at least 16 characters")
        # SQLite: how long a writer waits for another to commit (web workers, the gateway, its analysis).
        self.SQLITE_BUSY_TIMEOUT_SECONDS = _int(env, "SQLITE_BUSY_TIMEOUT_SECONDS", 15, 1, 600)
        self.PORT = _int(env, "PORT", 8000, 1, 65535)
        self.API_PER_PAGE_MAX = _int(env, "API_PER_PAGE_MAX", 500, 1, 10_000)
        # Monthly partitions of the passes (PostgreSQL) made ahead of time and kept behind today's month.
        self.PARTITION_MONTHS_AHEAD = _int(env, "PARTITION_MONTHS_AHEAD", 3, 1, 24)
        self.PARTITION_MONTHS_BEHIND = _int(env, "PARTITION_MONTHS_BEHIND", 2, 0, 36)
        # A list's total is counted up to this many rows (registry.common.pagination).
        self.COUNT_CAP = _int(env, "COUNT_CAP", 10_000, 100, 10_000_000)
        self.TIMEZONE = env.get("TIMEZONE") or "Asia/Shanghai"
        self.GATEWAY_CLIENT_ID = env.get("GATEWAY_CLIENT_ID") or "registry-gateway"
        self.GATEWAY_SHARED_GROUP = env.get("GATEWAY_SHARED_GROUP") or None
        self.GATEWAY_WORKER = env.get("GATEWAY_WORKER") or "process"
        if self.GATEWAY_WORKER not in ("process", "thread"):
            raise ConfigError("GATEWAY_WORKER", self.GATEWAY_WORKER, "must be process or thread")
        # Store workers of the gateway, each taking its gates' reads (gateway.service.shard_of). A worker
        # keeps about a core busy and PostgreSQL another: one per two cores, up to 4, unless set (on two
        # cores a second worker drained 10 % faster and doubled the p99 latency, docs/BENCHMARKS.md). One on
        # SQLite, which takes one writer at a time anyway.
        sqlite = self.SQLALCHEMY_DATABASE_URI.startswith("sqlite")
        cores = max(1, min((os.cpu_count() or 1) // 2, 4))
        self.GATEWAY_WORKERS = 1 if sqlite else _int(env, "GATEWAY_WORKERS", cores, 1, 16)
        self.GATEWAY_METRICS_PORT = _int(env, "GATEWAY_METRICS_PORT", 9108, 0, 65535)
        self.MERGE_WINDOW_SECONDS = _int(env, "MERGE_WINDOW_SECONDS", 60, 0, 3600)
        # Trucks' remote emission terminals (gateway.terminals, docs/obd.md). Where the public sources
        # disagree, the choice is a setting: the start marks accepted (## always; ~~ by some HJ makers),
        # the real-time layout (auto tells GB 17691 and HJ 1239 apart by what follows the first time),
        # and the commands answered with an empty frame of the same command (HJ terminals may want one).
        self.OBD_HOST = env.get("OBD_HOST") or "0.0.0.0"
        self.OBD_PORT = _int(env, "OBD_PORT", 7018, 0, 65535)
        self.OBD_START_MARKS = tuple(m.encode() for m in (env.get("OBD_START_MARKS") or "##,~~").split(",") if m)
        if not self.OBD_START_MARKS or any(m not in (b"##", b"~~") for m in self.OBD_START_MARKS):
            raise ConfigError("OBD_START_MARKS", env.get("OBD_START_MARKS"), "must be ##, ~~ or both")
        self.OBD_DATA_LAYOUT = env.get("OBD_DATA_LAYOUT") or "auto"
        if self.OBD_DATA_LAYOUT not in ("auto", "gb17691", "hj1239"):
            raise ConfigError("OBD_DATA_LAYOUT", self.OBD_DATA_LAYOUT, "must be auto, gb17691 or hj1239")
        acknowledged = (env.get("OBD_ACK_COMMANDS") or "").split(",")
        try:
            self.OBD_ACK_COMMANDS = frozenset(int(c, 16) for c in acknowledged if c.strip())
        except ValueError as exc:
            raise ConfigError("OBD_ACK_COMMANDS", env.get("OBD_ACK_COMMANDS"), "hex commands, e.g. 01,02") from exc
        self.OBD_IDLE_TIMEOUT_S = _int(env, "OBD_IDLE_TIMEOUT_S", 180, 5, 86_400)  # terminals send every 10 s
        self.OBD_FRAME_TIMEOUT_S = _int(env, "OBD_FRAME_TIMEOUT_S", 30, 1, 3600)  # a frame begun and not ended
        self.OBD_MAX_CONNECTIONS = _int(env, "OBD_MAX_CONNECTIONS", 20_000, 1, 1_000_000)
        self.OBD_RAW_DAYS = _int(env, "OBD_RAW_DAYS", 30, 1, 3650)  # frames as received are kept this long
        # Receiver workers on one port (gateway.terminals): one a core by default, one on SQLite.
        self.OBD_WORKERS = 1 if sqlite else _int(env, "OBD_WORKERS", os.cpu_count() or 1, 1, 64)
        # A camera whose clock is further ahead of the time of receipt, or further behind it, is wrong
        # (a clock reset to 2000-01-01, a year typed as 2199): its pass is judged and stored at the time
        # of receipt instead, and the camera's own time is kept beside it. Behind allows a camera's
        # offline backlog, which it uploads when the network is back.
        self.CAMERA_CLOCK_AHEAD_HOURS = _int(env, "CAMERA_CLOCK_AHEAD_HOURS", 24, 1, 24 * 366)
        self.CAMERA_CLOCK_BEHIND_DAYS = _int(env, "CAMERA_CLOCK_BEHIND_DAYS", 730, 1, 36_600)
        self.MAX_EVENT_BYTES = _int(env, "MAX_EVENT_BYTES", 4 * 1024 * 1024, 1024, 64 * 1024 * 1024)
        self.MAX_EVENT_IMAGES = _int(env, "MAX_EVENT_IMAGES", 4, 0, 16)
        self.IMAGE_DIR = env.get("IMAGE_DIR") or str(INSTANCE_DIR / "images")
        # One pass picture: a larger one is kept as an invalid picture with the reason; the pass is stored.
        # A CJK font for text on evidence pictures; default: Debian's fonts-noto-cjk (installed by the bootstrap).
        self.PICTURE_FONT = env.get("PICTURE_FONT") or "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
        self.MAX_IMAGE_BYTES = _int(env, "MAX_IMAGE_BYTES", 2 * 1024 * 1024, 1024, 64 * 1024 * 1024)
        # Machinery registration codes: the national layout is unconfirmed (DOMAIN.md 5), so the format
        # is a setting; {district}, {year} and {serial} are filled in, serials count per district and year.
        self.DISTRICT_CODE = env.get("DISTRICT_CODE") or "140902"
        self.MACHINERY_CODE_FORMAT = env.get("MACHINERY_CODE_FORMAT") or "{district}{year}{serial:06d}"
        # The district's plate prefixes (Xinzhou: 晋H): a new restriction zone's "local" plates by default,
        # each zone keeping its own list (registry.zones); comma-separated.
        self.LOCAL_PLATE_PREFIXES = env.get("LOCAL_PLATE_PREFIXES") or "晋H"
        _check_code_format(self.MACHINERY_CODE_FORMAT, self.DISTRICT_CODE)
        self.MACHINERY_REGISTRATION_DAYS = _int(env, "MACHINERY_REGISTRATION_DAYS", 30, 1, 3650)
        # Failed page logins, counted in the database (every worker and host alike): per client address
        # and user name, and per address alone (one address trying many names).
        # A page session lasts a working day at most (logout ends it at once): registry.accounts.sessions.
        self.PAGE_SESSION_HOURS = _int(env, "PAGE_SESSION_HOURS", 10, 1, 24 * 7)
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=self.PAGE_SESSION_HOURS)
        # The cookie is sent again only when the session changed: a request that did not change it (a
        # picker's search while the person types) must not answer with the session as it was when it began,
        # which would overwrite a flash set by a form sent meanwhile. The server ends a session anyway.
        self.SESSION_REFRESH_EACH_REQUEST = False
        self.LOGIN_RATE_LIMIT = _rates(env, "LOGIN_RATE_LIMIT", "5 per minute;20 per hour")
        self.LOGIN_ADDRESS_RATE_LIMIT = _rates(env, "LOGIN_ADDRESS_RATE_LIMIT", "20 per minute;100 per hour")
        # Drivers' self-registrations (no login), counted in the database. Drivers at one gate share its Wi-Fi
        # or a carrier's NAT: the limits that matter are per phone (a device cookie) and per plate from it;
        # the address limits are backstops sized for a busy gate.
        self.REGISTRATION_DEVICE_RATE_LIMIT = _rates(env, "REGISTRATION_DEVICE_RATE_LIMIT", "5 per hour;20 per day")
        self.REGISTRATION_ADDRESS_RATE_LIMIT = _rates(env, "REGISTRATION_ADDRESS_RATE_LIMIT", "30 per hour;100 per day")
        # Per plate and address: a junk submission from elsewhere cannot block a real owner's plate.
        self.REGISTRATION_PLATE_RATE_LIMIT = _rates(env, "REGISTRATION_PLATE_RATE_LIMIT", "3 per day")
        # Every submission, refused ones included, counted before its photos are decoded: per phone, and per
        # address as a backstop.
        self.REGISTRATION_DEVICE_ATTEMPT_RATE_LIMIT = _rates(
            env, "REGISTRATION_DEVICE_ATTEMPT_RATE_LIMIT", "15 per hour;40 per day"
        )
        self.REGISTRATION_ATTEMPT_RATE_LIMIT = _rates(env, "REGISTRATION_ATTEMPT_RATE_LIMIT", "60 per hour;200 per day")
        # How many proxies in front set X-Forwarded-For / -Proto (nginx: 1). The client's address, which every
        # limit counts, is then the one the nearest proxy saw; 0 (no proxy): the connection's own address.
        self.PROXY_COUNT = _int(env, "PROXY_COUNT", 0, 0, 5)
        # A weighbridge ticket is matched to its plate's pass at the firm nearest in time within this window;
        # two passes about as near as each other (within the margin) are left for a person to choose.
        self.WEIGHBRIDGE_WINDOW_MINUTES = _int(env, "WEIGHBRIDGE_WINDOW_MINUTES", 120, 1, 24 * 60)
        self.WEIGHBRIDGE_AMBIGUOUS_MINUTES = _int(env, "WEIGHBRIDGE_AMBIGUOUS_MINUTES", 5, 0, 24 * 60)
        # The ledger chain: a day is sealed once it is this many days over (a camera's backlog arrives
        # first); rows arriving later for a sealed day are sealed as an amendment while the day is within
        # LEDGER_LATE_DAYS.
        self.LEDGER_SEAL_DELAY_DAYS = _int(env, "LEDGER_SEAL_DELAY_DAYS", 1, 0, 60)
        self.LEDGER_LATE_DAYS = _int(env, "LEDGER_LATE_DAYS", 35, 1, 400)
        # The alert evaluation (错峰运输执行评估): how many normal days before an alert it is compared with,
        # found within how many days before it.
        self.EVALUATION_NORMAL_DAYS = _int(env, "EVALUATION_NORMAL_DAYS", 5, 1, 30)
        self.EVALUATION_LOOKBACK_DAYS = _int(env, "EVALUATION_LOOKBACK_DAYS", 60, 1, 365)
        # The plate's text read back from each picture in the background analysis (号牌复核,
        # registry.pictures.text): ONNX Runtime and its model take about 100 MB in the analysing process.
        self.PICTURE_TEXT = _bool(env, "PICTURE_TEXT", True)
        # Sampled inspections (抽查核验): ledger rows drawn per inspection unless the inspector says
        # otherwise (HJ 1321-2023 practice: 5-10).
        self.INSPECTION_SAMPLE_SIZE = _int(env, "INSPECTION_SAMPLE_SIZE", 10, 1, 200)
        # Reporting upward (registry.uplink): this platform's name in what it sends (the district code
        # unless set), how long one batch may take, the longest pause after failures, how often an idle
        # relay looks again, and how long records wait in the outbox while no target is enabled.
        self.UPLINK_SOURCE = env.get("UPLINK_SOURCE") or self.DISTRICT_CODE
        self.UPLINK_TIMEOUT_SECONDS = _int(env, "UPLINK_TIMEOUT_SECONDS", 30, 1, 600)
        self.UPLINK_BACKOFF_MAX_SECONDS = _int(env, "UPLINK_BACKOFF_MAX_SECONDS", 300, 1, 86_400)
        self.UPLINK_POLL_SECONDS = _int(env, "UPLINK_POLL_SECONDS", 2, 1, 3600)
        self.UPLINK_KEEP_DAYS = _int(env, "UPLINK_KEEP_DAYS", 7, 1, 365)
        # Records reported here by lower platforms (registry.reports): the most in one batch.
        self.REPORTS_MAX_RECORDS = _int(env, "REPORTS_MAX_RECORDS", 1000, 1, 100_000)
        # The session cookie: SameSite=Lax always; Secure when the site is served over HTTPS.
        self.PREFERRED_URL_SCHEME = env.get("PREFERRED_URL_SCHEME") or "http"
        if self.PREFERRED_URL_SCHEME not in ("http", "https"):
            raise ConfigError("PREFERRED_URL_SCHEME", self.PREFERRED_URL_SCHEME, "must be http or https")
        secure = _bool(env, "SESSION_COOKIE_SECURE", self.PREFERRED_URL_SCHEME == "https")
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = secure
        self.SESSION_COOKIE_SAMESITE = self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_HTTPONLY = self.REMEMBER_COOKIE_HTTPONLY = True
        # Gate liveness on the dashboard: a gate silent for longer than this during working hours is flagged.
        self.GATE_SILENT_MINUTES = _int(env, "GATE_SILENT_MINUTES", 120, 1, 7 * 24 * 60)
        self.WORKING_HOURS = env.get("WORKING_HOURS") or "07:00-19:00"
        _check_hours(self.WORKING_HOURS)
        # Retention (flask retention run): pictures 12 months; ledger rows at least 24 months (DOMAIN.md 4).
        self.IMAGE_RETENTION_MONTHS = _int(env, "IMAGE_RETENTION_MONTHS", 12, 1, 1200)
        self.LEDGER_RETENTION_MONTHS = _int(env, "LEDGER_RETENTION_MONTHS", 24, 24, 1200)
        self.MAX_PHOTO_BYTES = _int(env, "MAX_PHOTO_BYTES", 5 * 1024 * 1024, 1024, 64 * 1024 * 1024)
        # AlarmInfoPlate cameras number colours and directions their own way; the published tables
        # are unconfirmed (DOMAIN.md 7), so they are settings a bureau can correct.
        self.ALARMINFOPLATE_COLOURS = _json(
            env,
            "ALARMINFOPLATE_COLOURS",
            {"0": None, "1": "blue", "2": "yellow", "3": "white", "4": "black", "5": "green", "6": "yellow_green"},
        )
        self.ALARMINFOPLATE_DIRECTIONS = _json(env, "ALARMINFOPLATE_DIRECTIONS", {"3": "out", "4": "in"})
        # Dahua ITC: direction words by lower-cased value, and whether `UTC` is the local wall clock
        # counted as UTC (what field captures show); both unconfirmed, so settings.
        self.DAHUA_DIRECTIONS = _json(
            env, "DAHUA_DIRECTIONS", {"obverse": "in", "approach": "in", "reverse": "out", "leave": "out"}
        )
        self.DAHUA_UTC_IS_LOCAL = _bool(env, "DAHUA_UTC_IS_LOCAL", True)
        # Pictures sent by reference are fetched only from these hosts (comma-separated; empty: never).
        self.PICTURE_FETCH_HOSTS = [
            h.strip().lower() for h in (env.get("PICTURE_FETCH_HOSTS") or "").split(",") if h.strip()
        ]
        # Private addresses (loopback, 10/8, 192.168/16, link-local...) the platform may call: host names or
        # networks, comma-separated. Every other outbound call (uplink targets, pictures by reference) goes
        # only to public addresses (registry.common.outbound).
        self.OUTBOUND_PRIVATE_HOSTS = [
            h.strip().lower() for h in (env.get("OUTBOUND_PRIVATE_HOSTS") or "").split(",") if h.strip()
        ]
        # The CA certificates an uplink target may name (ca_file is a file name in this folder).
        self.UPLINK_CA_DIR = env.get("UPLINK_CA_DIR") or str(INSTANCE_DIR / "uplink-ca")
        # Where the cameras' storage answers for pictures sent as an object key (picture/0/<serial>/...).
        self.PICTURE_FETCH_BASE_URL = env.get("PICTURE_FETCH_BASE_URL") or None
        if self.PICTURE_FETCH_BASE_URL and not self.PICTURE_FETCH_BASE_URL.startswith(("http://", "https://")):
            raise ConfigError("PICTURE_FETCH_BASE_URL", self.PICTURE_FETCH_BASE_URL, "must be an http(s) address")
        self.PICTURE_FETCH_TIMEOUT_SECONDS = _int(env, "PICTURE_FETCH_TIMEOUT_SECONDS", 10, 1, 120)
        self.PICTURE_FETCH_ATTEMPTS = _int(env, "PICTURE_FETCH_ATTEMPTS", 5, 1, 100)
        # HJ 1321-2023: a gate delivers at least 95 % of its records (per mille, so that it is an integer).
        self.DELIVERY_TARGET_PERMILLE = _int(env, "DELIVERY_TARGET_PERMILLE", 950, 0, 1000)

    def as_flask(self) -> dict:
        """The settings in the shape Flask and its extensions read."""
        return {key: getattr(self, key) for key in dir(self) if key.isupper()} | {
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "API_TITLE": "重型柴油车与非道路移动机械登记平台 Registry API",
            "API_VERSION": "v1",
            "OPENAPI_VERSION": "3.0.3",
            "OPENAPI_URL_PREFIX": "/api",
            "OPENAPI_JSON_PATH": "openapi.json",
            "OPENAPI_SWAGGER_UI_PATH": "docs",
            "OPENAPI_SWAGGER_UI_URL": "/api/docs/static/",
        }
