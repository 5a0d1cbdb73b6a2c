"""Turning one MQTT message into a stored pass or a dead letter, inside the caller's transaction.

A handler returns what to publish back (topic, payload) once the transaction has committed.
"""

from __future__ import annotations

import json
import logging

import marshmallow as ma
from flask import current_app

from gateway import metrics
from registry.events.ingest import record_plate_event
from registry.events.models import DeadLetter
from registry.events.schemas import GateEventSchema
from registry.events.vendors import alarminfoplate
from registry.extensions import db
from registry.gates.services import active_gate, active_gate_by_device

log = logging.getLogger(__name__)
EVENTS_TOPIC = "gates/+/events"
IVS_RESULT_TOPIC = "device/+/message/up/ivs_result"
Outgoing = list[tuple[str, bytes]]


class Rejected(Exception):
    """A message that can never become a pass; `reason` labels the metric."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def dead_letter(source: str, topic: str, payload: bytes, error: Rejected | Exception) -> None:
    db.session.add(DeadLetter(source=source, topic=topic[:300], payload=payload, error=str(error)[:4000]))
    metrics.DEAD_LETTERED.labels(getattr(error, "reason", "error")).inc()


def load_json(payload: bytes) -> dict:
    if len(payload) > current_app.config["MAX_EVENT_BYTES"]:
        raise Rejected("oversize", f"消息过大 / payload of {len(payload)} bytes exceeds MAX_EVENT_BYTES")
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Rejected("not_json", f"不是 JSON / not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Rejected("schema", "应为 JSON 对象 / not a JSON object")
    return data


def validated_read(data: dict) -> dict:
    try:
        return GateEventSchema().load(data)
    except ma.ValidationError as exc:
        raise Rejected("schema", f"字段有误 / invalid fields: {json.dumps(exc.messages, ensure_ascii=False)}") from None


def verdict_message(answer: dict) -> bytes:
    keys = ("event_id", "plate", "decision", "findings", "display", "id", "outcome")
    return json.dumps({k: answer[k] for k in keys}, ensure_ascii=False).encode()


def handle_gate_event(topic: str, payload: bytes) -> Outgoing:
    """gates/{code}/events: the native protocol (docs/gate-protocol.md)."""
    code = topic.split("/")[1]
    read = validated_read(load_json(payload))
    gate = active_gate(code)
    if gate is None:
        raise Rejected("unknown_gate", f"门禁 {code} 不存在或已停用 / unknown or disabled gate {code}")
    ingested = record_plate_event(gate, read, "mqtt")
    count(ingested)
    return [(f"gates/{code}/verdicts", verdict_message(ingested.answer()))]


def handle_ivs_result(topic: str, payload: bytes) -> Outgoing:
    """device/{sn}/message/up/ivs_result: an AlarmInfoPlate camera talking MQTT."""
    serial = topic.split("/")[1]
    message = load_json(payload)
    config = current_app.config
    try:
        read, _ = alarminfoplate.to_read(message, config["ALARMINFOPLATE_COLOURS"], config["ALARMINFOPLATE_DIRECTIONS"])
    except alarminfoplate.NotAPlateResult as exc:
        raise Rejected("schema", str(exc)) from None
    read = validated_read(read)
    gate = active_gate_by_device(serial)
    if gate is None:
        raise Rejected("unknown_gate", f"设备 {serial} 未绑定门禁或已停用 / no enabled gate has device {serial}")
    ingested = record_plate_event(gate, read, "alarminfoplate")
    count(ingested)
    answer = ingested.answer()
    outgoing = [(f"gates/{gate.code}/verdicts", verdict_message(answer))]
    if answer["decision"] == "pass":
        command = alarminfoplate.gpio_command(serial, read["event_id"])
        outgoing.append((f"device/{serial}/message/down/gpio_out", json.dumps(command).encode()))
    return outgoing


def count(ingested) -> None:
    {"created": metrics.STORED, "duplicate": metrics.DUPLICATES, "merged": metrics.MERGED}[ingested.outcome].inc()


HANDLERS = {
    EVENTS_TOPIC: ("mqtt", handle_gate_event),
    IVS_RESULT_TOPIC: ("alarminfoplate", handle_ivs_result),
}
