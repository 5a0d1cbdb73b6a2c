"""A thin wrapper around paho-mqtt: callback API v2, MQTT 5 persistent session, last will,
subscriptions renewed on every connect, and no exception ever escaping a paho callback."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from registry.config import MqttSettings

log = logging.getLogger(__name__)

STATUS_TOPIC = "gateway/status"
SESSION_EXPIRY_SECONDS = 7 * 24 * 3600  # the broker keeps our queued events for a week


@dataclass(frozen=True)
class Subscription:
    topic: str
    qos: int
    handler: Callable[[paho.MQTTMessage], None]


def status_payload(state: str) -> bytes:
    return json.dumps({"status": state}).encode()


class MqttTransport:
    """Connects, announces itself on `gateway/status`, and hands messages to handlers."""

    def __init__(self, settings: MqttSettings, client_id: str, subscriptions: list[Subscription] = ()):
        self.settings = settings
        self.subscriptions = list(subscriptions)
        self.connected = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5)
        if settings.username:
            self.client.username_pw_set(settings.username, settings.password)
        if settings.tls:
            self.client.tls_set()
        self.client.will_set(STATUS_TOPIC, status_payload("offline"), qos=1, retain=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        for sub in self.subscriptions:
            self.client.message_callback_add(sub.topic, self._guarded(sub.handler))

    def _connect_properties(self) -> Properties:
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
        return props

    def connect(self) -> None:
        """Start connecting; paho keeps reconnecting with back-off until stopped."""
        self.client.connect_async(
            self.settings.host,
            self.settings.port,
            keepalive=30,
            clean_start=False,
            properties=self._connect_properties(),
        )

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties):
        if reason_code.is_failure:
            log.error("broker refused the connection: %s", reason_code)
            return
        log.info("connected to mqtt://%s:%s", self.settings.host, self.settings.port)
        for sub in self.subscriptions:
            client.subscribe(sub.topic, qos=sub.qos)
        client.publish(STATUS_TOPIC, status_payload("online"), qos=1, retain=True)
        self.connected.set()

    def _on_disconnect(self, _client, _userdata, _flags, reason_code, _properties):
        self.connected.clear()
        log.warning("disconnected from broker: %s", reason_code)

    @staticmethod
    def _guarded(handler):
        def call(client, userdata, message):
            try:
                handler(message)
            except Exception:  # paho re-raises and its network loop would die
                log.exception("handler failed for topic %s", message.topic)

        return call

    def run_forever(self, stop: threading.Event) -> None:
        """Run the network loop in its thread until `stop` is set, then leave cleanly."""
        self.connect()
        self.client.loop_start()
        try:
            stop.wait()
        finally:
            if self.connected.is_set():
                info = self.client.publish(STATUS_TOPIC, status_payload("offline"), qos=1, retain=True)
                info.wait_for_publish(timeout=5)
            self.client.disconnect()
            self.client.loop_stop()
