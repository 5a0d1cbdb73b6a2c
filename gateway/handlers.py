"""From MQTT messages to arrivals for the ingest service, and from verdicts back to messages.

`prepare` parses and validates one message without touching the database; the consumer then looks
up the gates of a whole batch, stores it with one call to the ingest service, and publishes what
`respond` returns once the transaction has committed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import marshmallow as ma
import msgspec
from flask import current_app

from registry.cameras import alarminfoplate
from registry.common import jsonio
from registry.common.text import printable
from registry.events.models import DeadLetter
from registry.extensions import db
from registry.ingest.reads import SCHEMA, native_read

EVENTS_TOPIC = "gates/+/events"
TOPICS = (EVENTS_TOPIC, *alarminfoplate.subscriptions())  # both AlarmInfoPlate layouts, results and heartbeats
Outgoing = list[tuple[str, bytes]]


class Rejected(Exception):
    """A message that can never become a pass; `reason` labels the metric."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class Prepared:
    """A message parsed into a read (or a heartbeat, with no read), waiting for its gate (by code or
    by camera serial)."""

    topic: str
    payload: bytes
    source: str
    read: dict | None
    gate_code: str | None = None
    device_sn: str | None = None
    camera_topic: alarminfoplate.Topic | None = None

    @property
    def heartbeat(self) -> bool:
        return self.read is None


def native_topic(topic: str) -> bool:
    """gates/{code}/events (what EVENTS_TOPIC matches), without paho's general matcher on every message."""
    parts = topic.split("/")
    return len(parts) == 3 and parts[0] == "gates" and parts[2] == "events"


def source_of(topic: str) -> str:
    return "mqtt" if native_topic(topic) else "alarminfoplate"


def dead_letter(topic: str, payload: bytes, error: Exception | str) -> None:
    """Keep a message that cannot become a pass, with the reason (as storable text: a reason may quote
    the message, NUL and all)."""
    reason = printable(str(error))[:4000]
    db.session.add(DeadLetter(source=source_of(topic), topic=printable(topic)[:300], payload=payload, error=reason))


def load_json(payload: bytes) -> dict:
    if len(payload) > current_app.config["MAX_EVENT_BYTES"]:
        raise Rejected("oversize", f"消息过大 / payload of {len(payload)} bytes exceeds MAX_EVENT_BYTES")
    try:
        data = jsonio.loads(payload)
    except json.JSONDecodeError as exc:
        raise Rejected("not_json", f"不是 JSON / not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Rejected("schema", "应为 JSON 对象 / not a JSON object")
    return data


def validated_read(data: dict) -> dict:
    try:
        return SCHEMA.load(data)
    except ma.ValidationError as exc:
        raise Rejected("schema", f"字段有误 / invalid fields: {json.dumps(exc.messages, ensure_ascii=False)}") from None


def native(payload: bytes) -> dict:
    """A native gate event's read: msgspec's one pass when the message is as it should be, else parsed
    and validated by GateEventSchema, which names what is wrong (registry.ingest.reads)."""
    if len(payload) > current_app.config["MAX_EVENT_BYTES"]:
        raise Rejected("oversize", f"消息过大 / payload of {len(payload)} bytes exceeds MAX_EVENT_BYTES")
    read = native_read(payload, current_app.config["MAX_EVENT_IMAGES"])
    return read if read is not None else validated_read(load_json(payload))


def prepare(topic: str, payload: bytes) -> Prepared:
    """Parse and validate one message: gates/{code}/events, or an AlarmInfoPlate camera's ivs_result or
    keep_alive in either topic layout. Anything else on a subscribed topic is Rejected (a dead letter)."""
    if native_topic(topic):
        return Prepared(topic, payload, "mqtt", native(payload), gate_code=topic.split("/")[1])
    camera = alarminfoplate.parse_topic(topic)
    if camera is None or camera.way != "up" or camera.name not in alarminfoplate.UP_NAMES:
        raise Rejected("topic", f"未知主题 / a topic no camera protocol uses: {topic}")
    if camera.name == "keep_alive":
        if len(payload) > current_app.config["MAX_EVENT_BYTES"]:
            raise Rejected("oversize", f"消息过大 / payload of {len(payload)} bytes exceeds MAX_EVENT_BYTES")
        return Prepared(topic, payload, "alarminfoplate", None, device_sn=camera.serial, camera_topic=camera)
    message = load_json(payload)
    config = current_app.config
    try:
        read, _ = alarminfoplate.to_read(message, config["ALARMINFOPLATE_COLOURS"], config["ALARMINFOPLATE_DIRECTIONS"])
    except alarminfoplate.NotAPlateResult as exc:
        raise Rejected("schema", str(exc)) from None
    read["device"] = read["device"] or camera.serial
    return Prepared(
        topic, payload, "alarminfoplate", validated_read(read), device_sn=camera.serial, camera_topic=camera
    )


def unknown_gate(prepared: Prepared) -> Rejected:
    if prepared.device_sn:
        return Rejected(
            "unknown_gate",
            f"设备 {prepared.device_sn} 未绑定门禁或已停用 / no enabled gate has device {prepared.device_sn}",
        )
    return Rejected(
        "unknown_gate", f"门禁 {prepared.gate_code} 不存在或已停用 / unknown or disabled gate {prepared.gate_code}"
    )


VERDICT_KEYS = ("event_id", "plate", "no_plate", "decision", "findings", "display", "id", "outcome")
_ENCODE = msgspec.json.Encoder().encode  # UTF-8 JSON as json.dumps(ensure_ascii=False) writes it, ten times faster


def verdict_message(answer: dict) -> bytes:
    return _ENCODE({k: answer[k] for k in VERDICT_KEYS})


def respond(prepared: Prepared, gate_code: str, answer: dict) -> Outgoing:
    """The verdict for the gate's display, and for AlarmInfoPlate cameras the barrier pulse on the
    layout the camera itself uses, on pass, for a vehicle at the gate now: never for a record from the
    camera's offline store (that vehicle is long gone). A resend gets it again: the first may never
    have gone out (the gateway stopped between commit and publish)."""
    outgoing = [(f"gates/{gate_code}/verdicts", verdict_message(answer))]
    camera = prepared.camera_topic
    if camera and not prepared.read.get("backlog") and answer["decision"] == "pass":
        command = alarminfoplate.gpio_command(camera.serial, answer["event_id"])
        outgoing.append((camera.down("gpio_out"), json.dumps(command).encode()))
    return outgoing
