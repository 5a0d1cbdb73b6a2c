"""Settings from the environment: defaults, normalisation, and a clear error naming a bad one."""

import subprocess
import sys

import pytest

from registry.config import Config, ConfigError


def test_defaults_work_on_a_laptop():
    config = Config({})
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///") and "instance" in config.SQLALCHEMY_DATABASE_URI
    assert (config.MQTT.host, config.MQTT.port, config.MQTT.tls) == ("127.0.0.1", 1883, False)
    assert config.PORT == 8000


def test_postgres_urls_use_psycopg3_and_mqtt_urls_carry_credentials():
    config = Config({"DATABASE_URL": "postgres://u:p@db/registry", "MQTT_URL": "mqtts://gw:pw@broker"})
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u:p@db/registry"
    assert (config.MQTT.port, config.MQTT.tls, config.MQTT.username, config.MQTT.password) == (
        8883,
        True,
        "gw",
        "pw",
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysql://root@localhost/db"),
        ("MQTT_URL", "http://127.0.0.1:1883"),
        ("MQTT_URL", "mqtt://:1883"),
        ("MQTT_URL", "mqtt://host:99999"),
        ("PORT", "eighty"),
        ("PORT", "0"),
        ("SECRET_KEY", "short"),
        ("GATEWAY_WORKER", "fibers"),
        ("ALARMINFOPLATE_COLOURS", "not json"),
    ],
)
def test_malformed_setting_is_named(name, value):
    with pytest.raises(ConfigError) as caught:
        Config({name: value})
    assert caught.value.name == name and name in str(caught.value)


def test_start_up_stops_with_the_setting_named():
    for command in (["-m", "gateway"], ["-c", "import wsgi"]):
        result = subprocess.run(
            [sys.executable, *command],
            env={"MQTT_URL": "ftp://x", "PATH": ""},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert "MQTT_URL" in result.stderr
