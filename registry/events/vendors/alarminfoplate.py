"""The AlarmInfoPlate push used by many Chinese gate cameras, over HTTP and over MQTT.

HTTP: JSON `AlarmInfoPlate{serialno, result.PlateResult{...}}`, answered with
`Response_AlarmInfoPlate{info: "ok"|"no"}`, which lifts the barrier or keeps it down.
MQTT: `device/{sn}/message/up/ivs_result` in; the barrier command on `device/{sn}/message/down/gpio_out`.
Colour and direction codes are settings (ALARMINFOPLATE_COLOURS, ALARMINFOPLATE_DIRECTIONS).
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from datetime import UTC, datetime

NO_PLATE = {"", "_无_", "无牌车", "无车牌"}


class NotAPlateResult(ValueError):
    """The payload carries no AlarmInfoPlate PlateResult."""


def _plate_result(message: dict) -> tuple[dict, dict]:
    body = message.get("payload", message) if isinstance(message, dict) else {}
    alarm = body.get("AlarmInfoPlate") if isinstance(body, dict) else None
    result = (alarm or {}).get("result", {}).get("PlateResult") if isinstance(alarm, dict) else None
    if not isinstance(result, dict):
        raise NotAPlateResult("no AlarmInfoPlate.result.PlateResult in the message")
    return alarm, result


def _text(value) -> str:
    """Plate text, which MQTT firmware sends base64-encoded (GB 18030 or UTF-8 bytes)."""
    value = str(value or "").strip()
    if value and value.isascii() and len(value) % 4 == 0:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value
        for encoding in ("utf-8", "gb18030"):
            try:
                decoded = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not decoded.isascii():
                return decoded
    return value


def _moment(result: dict) -> str:
    timeval = (result.get("timeStamp") or {}).get("Timeval") or {}
    seconds = timeval.get("sec")
    if seconds is None:
        return datetime.now(UTC).isoformat()
    return datetime.fromtimestamp(int(seconds) + int(timeval.get("usec", 0)) / 1e6, UTC).isoformat()


def to_read(message: dict, colours: dict, directions: dict) -> tuple[dict, str | None]:
    """(the native read, the camera serial number) from an HTTP push or an MQTT ivs_result; a field
    of a type no firmware sends (a list for the confidence, text for the seconds) is NotAPlateResult."""
    try:
        return _to_read(message, colours, directions)
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        if isinstance(exc, NotAPlateResult):
            raise
        raise NotAPlateResult(f"AlarmInfoPlate 字段类型有误 / a field has the wrong type: {exc}") from None


def _to_read(message: dict, colours: dict, directions: dict) -> tuple[dict, str | None]:
    alarm, result = _plate_result(message)
    serial = str(alarm.get("serialno") or message.get("sn") or "").strip() or None
    plate = _text(result.get("license"))
    seconds = ((result.get("timeStamp") or {}).get("Timeval") or {}).get("sec", "")
    event_id = str(
        message.get("unique_id")
        or result.get("unique_id")
        or (f"{serial}-{seconds}-{result.get('plateid')}" if result.get("plateid") is not None else uuid.uuid4().hex)
    )
    colour_code = str(result.get("colorType", "0"))
    images = {}
    for kind, keys in (
        ("vehicle", ("imageFile", "full_image_content")),
        ("plate", ("imageFragmentFile", "small_image_content")),
    ):
        for key in keys:
            if result.get(key) or message.get(key):
                images[kind] = result.get(key) or message.get(key)
                break
    confidence = result.get("confidence")
    rect = ((result.get("location") or {}).get("RECT")) or {}
    box = None
    if all(isinstance(rect.get(k), int) for k in ("left", "top", "right", "bottom")):
        box = [rect["left"], rect["top"], rect["right"] - rect["left"], rect["bottom"] - rect["top"]]
    read = {
        "event_id": event_id[:64],
        "plate": "unknown" if plate in NO_PLATE else plate,
        "plate_color": colours.get(colour_code, colour_code),
        "direction": directions.get(str(result.get("direction", "")), "in"),
        "captured_at": _moment(result),
        "confidence": float(confidence) / 100 if confidence not in (None, "") else None,
        "images": images,
        "plate_box": box if box and box[2] > 0 and box[3] > 0 else None,
    }
    return read, serial


def http_answer(decision: str, display: str, plate_id=None) -> dict:
    """Response_AlarmInfoPlate: "ok" lifts the barrier; deny and review keep it down."""
    return {
        "Response_AlarmInfoPlate": {
            "info": "ok" if decision == "pass" else "no",
            "plateid": plate_id,
            "content": display,
        }
    }


def gpio_command(serial: str, event_id: str) -> dict:
    """The barrier-open pulse sent on device/{sn}/message/down/gpio_out for a pass."""
    return {
        "id": event_id,
        "sn": serial,
        "name": "gpio_out",
        "version": "1.0",
        "timestamp": int(time.time()),
        "payload": {"type": "gpio_out", "body": {"delay": 500, "io": 0, "value": 2}},
    }
