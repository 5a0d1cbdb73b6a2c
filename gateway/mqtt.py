"""A thin wrapper around paho-mqtt: callback API v2, MQTT 5 persistent session, last will,
subscriptions renewed on every connect, manual acknowledgements, and no exception ever escaping
a paho callback."""

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
RECEIVE_MAXIMUM = 1000  # unacknowledged messages the broker may have in flight to us


@dataclass(frozen=True)
class Subscription:
    topic: str  # a filter; with a shared group it is subscribed as $share/<group>/<topic>
    qos: int
    handler: Callable[[paho.MQTTMessage, int], None]  # (message, connection generation)


def status_payload(state: str) -> bytes:
    return json.dumps({"status": state}).encode()


class MqttTransport:
    """Connects, announces itself on `gateway/status`, hands messages to handlers, acks on request."""

    def __init__(
        self,
        settings: MqttSettings,
        client_id: str,
        subscriptions: list[Subscription] = (),
        shared_group: str | None = None,
        on_state: Callable[[bool], None] | None = None,
    ):
        self.settings = settings
        self.subscriptions = list(subscriptions)
        self.shared_group = shared_group
        self.on_state = on_state
        self.connected = threading.Event()
        self.generation = 0  # bumps on every (re)connect: acks for older messages are dropped
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5, manual_ack=True
        )
        if settings.username:
            self.client.username_pw_set(settings.username, settings.password)
        if settings.tls:
            self.client.tls_set()
        self.client.will_set(STATUS_TOPIC, status_payload("offline"), qos=1, retain=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.max_queued_messages_set(0)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._ack_unhandled
        for sub in self.subscriptions:
            self.client.message_callback_add(sub.topic, self._guarded(sub.handler))

    def _connect_properties(self) -> Properties:
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
        props.ReceiveMaximum = RECEIVE_MAXIMUM
        return props

    def subscription_filter(self, topic: str) -> str:
        return f"$share/{self.shared_group}/{topic}" if self.shared_group else topic

    def connect(self) -> None:
        """Start connecting; paho keeps reconnecting with back-off until stopped."""
        self.client.connect_async(
            self.settings.host,
            self.settings.port,
            keepalive=30,
            clean_start=False,
            properties=self._connect_properties(),
        )

    def _on_connect(self, client, _userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("broker refused the connection: %s", reason_code)
            return
        self.generation += 1
        self._send_up_to_receive_maximum(client, properties)
        log.info(
            "connected to mqtt://%s:%s (session present: %s)",
            self.settings.host,
            self.settings.port,
            flags.session_present,
        )
        for sub in self.subscriptions:
            client.subscribe(self.subscription_filter(sub.topic), qos=sub.qos)
        client.publish(STATUS_TOPIC, status_payload("online"), qos=1, retain=True)
        self.connected.set()
        if self.on_state:
            self.on_state(True)

    @staticmethod
    def _send_up_to_receive_maximum(client: paho.Client, properties: Properties | None) -> None:
        """Keep as many verdicts in flight as the broker accepts (its Receive Maximum, 65535 when it
        names none). paho's default of 20 queues the rest of a batch's verdicts, and paho rescans its
        whole queue on every PUBACK: a backlog of thousands then costs seconds of the network thread.
        paho has no public way to change this on an open connection, hence its attribute."""
        limit = getattr(properties, "ReceiveMaximum", None) or 65535
        if client._max_inflight_messages != limit:
            client._max_inflight_messages = limit
            log.info("broker accepts %d messages in flight", limit)

    def _on_disconnect(self, _client, _userdata, _flags, reason_code, _properties):
        self.connected.clear()
        if self.on_state:
            self.on_state(False)
        log.warning("disconnected from broker: %s", reason_code)

    def _ack_unhandled(self, client, _userdata, message):
        # A message no handler claims (e.g. a stray topic): acknowledge so it does not loop.
        if message.qos:
            client.ack(message.mid, message.qos)

    def _guarded(self, handler):
        def call(_client, _userdata, message):
            try:
                handler(message, self.generation)
            except Exception:  # paho re-raises and its network loop would die
                log.exception("handler failed for topic %s", message.topic)

        return call

    def ack(self, mid: int, qos: int, generation: int) -> bool:
        """Acknowledge a message, only on the connection it came from (a resend is acked anew)."""
        if qos and generation == self.generation and self.connected.is_set():
            self.client.ack(mid, qos)
            return True
        return False

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=qos, retain=retain)

    def start(self) -> None:
        self.connect()
        self.client.loop_start()

    def stop(self) -> None:
        """Say goodbye on the status topic and leave cleanly."""
        if self.connected.is_set():
            info = self.client.publish(STATUS_TOPIC, status_payload("offline"), qos=1, retain=True)
            info.wait_for_publish(timeout=5)
        self.client.disconnect()
        self.client.loop_stop()
