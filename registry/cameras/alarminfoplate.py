"""The AlarmInfoPlate push used by many Chinese gate cameras (Vzenith/臻识 and others), over HTTP and MQTT.

HTTP: JSON `AlarmInfoPlate{serialno, result.PlateResult{...}}`, answered with
`Response_AlarmInfoPlate{info: "ok"|"no"}`, which lifts the barrier or keeps it down, and for a record
from the camera's offline store `ContinuePushOffline{plateid, continue: 1}`, without which the camera
stops sending its backlog.
MQTT: an envelope `{id, sn, name, version, timestamp, payload: {AlarmInfoPlate: ...}}` on either topic
layout firmware uses, `device/{sn}/message/up/ivs_result` or `{sn}/device/message/up/ivs_result`; the
barrier command goes back on the same layout's `.../message/down/gpio_out`, and `.../up/keep_alive`
is the camera's heartbeat.

Firmware differs: the colour is `colorType` or `color` (or `plateColor`), the plate box `location.RECT`
or `pos`, the time `timeStamp.Timeval` or only the envelope's `timestamp`, the plate plain or base64
(of UTF-8 or GB 18030 text), pictures inline (base64) or by reference (a path or URL). Colour and
direction codes are settings (ALARMINFOPLATE_COLOURS, ALARMINFOPLATE_DIRECTIONS): unconfirmed numbering.
"""

from __future__ import annotations

import base64
import binascii
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from registry.cameras.common import derived_event_id, is_reference, picture_text, wrong_types_as
from registry.identifiers.colours import vendor_colour
from registry.identifiers.plates import is_plausible_read, is_valid_plate, normalise_plate

# The two topic layouts, as (prefix, suffix) around the serial number.
LAYOUTS = ("device/{sn}/message", "{sn}/device/message")
UP_NAMES = ("ivs_result", "keep_alive")
PICTURES = {  # kind -> fields that carry it, inline (base64) or by reference (path or URL)
    "vehicle": ("imageFile", "full_image_content", "imagePath", "full_image_path", "full_image_url", "imageUrl"),
    "plate": (
        "imageFragmentFile",
        "small_image_content",
        "imageFragmentPath",
        "plateImagePath",
        "small_image_path",
        "small_image_url",
        "imageFragmentUrl",
    ),
}


class NotAPlateResult(ValueError):
    """The payload carries no AlarmInfoPlate PlateResult."""


@dataclass(frozen=True)
class Topic:
    """An AlarmInfoPlate MQTT topic taken apart: which layout, which camera, which message."""

    layout: str
    serial: str
    way: str  # up or down
    name: str

    def down(self, name: str) -> str:
        return f"{self.layout.format(sn=self.serial)}/down/{name}"


def subscriptions() -> list[str]:
    """Every topic filter a camera publishes on, in both layouts."""
    return [f"{layout.format(sn='+')}/up/{name}" for layout in LAYOUTS for name in UP_NAMES]


def parse_topic(topic: str) -> Topic | None:
    parts = topic.split("/")
    if len(parts) < 5 or parts[3] not in ("up", "down"):
        return None
    if parts[0] == "device" and parts[2] == "message":
        return Topic(LAYOUTS[0], parts[1], parts[3], "/".join(parts[4:]))
    if parts[1] == "device" and parts[2] == "message":
        return Topic(LAYOUTS[1], parts[0], parts[3], "/".join(parts[4:]))
    return None


def _plate_result(message) -> tuple[dict, dict, dict]:
    """(the envelope, AlarmInfoPlate, PlateResult) of an HTTP push or an MQTT message."""
    if not isinstance(message, dict):
        raise NotAPlateResult("not a JSON object")
    body = message.get("payload", message)
    if not isinstance(body, dict):
        raise NotAPlateResult("payload is not an object")
    alarm = body.get("AlarmInfoPlate", body)
    if not isinstance(alarm, dict):
        raise NotAPlateResult("AlarmInfoPlate is not an object")
    result = alarm.get("result", alarm)
    result = result.get("PlateResult") if isinstance(result, dict) else None
    if not isinstance(result, dict):
        raise NotAPlateResult("no AlarmInfoPlate.result.PlateResult in the message")
    return message, alarm, result


def plate_text(value) -> tuple[str, str | None]:
    """(the plate as read, the text as sent when it was base64): MQTT firmware sends the plate as
    base64 of UTF-8 or GB 18030 text. Decoded whenever the text is valid base64 that decodes to
    something a camera could have read (ASCII plates included), unless it already is a plate."""
    text = str(value if value is not None else "").strip()
    if not text or not text.isascii() or len(text) % 4 or is_valid_plate(normalise_plate(text)):
        return text, None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text, None
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded = raw.decode(encoding).strip().strip("\x00")
        except UnicodeDecodeError:
            continue
        if decoded and decoded.isprintable() and is_plausible_read(decoded):
            return decoded, text
    return text, None


def _seconds(value) -> float | None:
    """Epoch seconds from a number or digits; milliseconds are recognised by their size."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    number = float(value)
    return number / 1000 if number > 1e11 else number


def _moment(envelope: dict, result: dict) -> tuple[datetime | None, str]:
    """The capture time and where it came from: the result's `timeStamp`, else the envelope's
    `timestamp`, else none (the receiver's clock will be used)."""
    timeval = (result.get("timeStamp") or {}).get("Timeval") or {}
    seconds = _seconds(timeval.get("sec"))
    if seconds is not None:
        return datetime.fromtimestamp(seconds + int(timeval.get("usec") or 0) / 1e6, UTC), "camera"
    seconds = _seconds(envelope.get("timestamp"))
    if seconds is not None:
        return datetime.fromtimestamp(seconds, UTC), "envelope"
    return None, "receiver"


def _box(result: dict) -> list[int] | None:
    rect = result.get("pos") or (result.get("location") or {}).get("RECT") or {}
    if isinstance(rect, dict) and isinstance(rect.get("RECT"), dict):
        rect = rect["RECT"]
    if not isinstance(rect, dict) or not all(isinstance(rect.get(k), int) for k in ("left", "top", "right", "bottom")):
        return None
    box = [rect["left"], rect["top"], rect["right"] - rect["left"], rect["bottom"] - rect["top"]]
    return box if min(box) >= 0 and box[2] > 0 and box[3] > 0 else None


def _pictures(envelope: dict, result: dict) -> tuple[dict, dict]:
    """(inline pictures as base64, pictures by reference) by kind."""
    inline, references = {}, {}
    for kind, keys in PICTURES.items():
        for key in keys:
            value = result.get(key) or envelope.get(key)
            if not isinstance(value, str) or not value.strip():
                continue
            value = value.strip()
            if is_reference(value):
                references.setdefault(kind, value)
            else:
                inline.setdefault(kind, picture_text(value))
    return inline, references


def _event_id(envelope: dict, result: dict, serial, sent_plate: str, moment: datetime | None) -> str:
    camera_id = envelope.get("unique_id") or result.get("unique_id")
    if camera_id:
        return str(camera_id)
    if result.get("plateid") not in (None, ""):
        seconds = ((result.get("timeStamp") or {}).get("Timeval") or {}).get("sec", "")
        return f"{serial}-{seconds}-{result['plateid']}"
    without_pictures = {k: v for k, v in result.items() if k not in PICTURES["vehicle"] + PICTURES["plate"]}
    return derived_event_id("alarminfoplate", serial, envelope.get("id"), sent_plate, moment, without_pictures)


@wrong_types_as(NotAPlateResult, "AlarmInfoPlate")
def to_read(message: dict, colours: dict, directions: dict) -> tuple[dict, str | None]:
    """(the native read, the camera serial number) from an HTTP push or an MQTT ivs_result."""
    envelope, alarm, result = _plate_result(message)
    serial = str(alarm.get("serialno") or envelope.get("sn") or "").strip() or None
    if "license" not in result:  # an empty license is a no-plate read; none at all is not a plate result
        raise NotAPlateResult("PlateResult 缺少 license / the PlateResult has no license field")
    sent = result.get("license")
    plate, encoded = plate_text(sent)
    moment, time_source = _moment(envelope, result)
    colour_code = next((result[k] for k in ("colorType", "color", "plateColor") if result.get(k) is not None), 0)
    inline, references = _pictures(envelope, result)
    confidence = result.get("confidence")
    sequence = result.get("plateid")
    read = {
        "event_id": _event_id(envelope, result, serial, str(sent or ""), moment),
        "plate": plate,  # a no-plate word stays as sent: the schema makes it a no-plate read
        "plate_sent": encoded,
        "plate_color": vendor_colour(colour_code, colours),
        "direction": directions.get(str(result.get("direction", "")), "in"),
        "captured_at": (moment or datetime.now(UTC)).isoformat(),
        "time_source": time_source,
        "confidence": float(confidence) / 100 if confidence not in (None, "") else None,
        "images": inline,
        "picture_refs": references,
        "plate_box": _box(result),
        "device": serial,
        "sequence": int(sequence) if sequence not in (None, "") else None,
        "backlog": str(result.get("isoffline", 0)).strip() in ("1", "true", "True"),
    }
    return read, serial


def http_answer(decision: str, display: str, plate_id=None, backlog: bool = False) -> dict:
    """Response_AlarmInfoPlate: "ok" lifts the barrier; deny and review keep it down. A record from the
    offline store is history: it lifts nothing, and ContinuePushOffline asks for the next one."""
    if backlog:
        return {"Response_AlarmInfoPlate": {"ContinuePushOffline": {"plateid": plate_id, "continue": 1}}}
    return {
        "Response_AlarmInfoPlate": {
            "info": "ok" if decision == "pass" else "no",
            "plateid": plate_id,
            "content": display,
        }
    }


def gpio_command(serial: str, event_id: str) -> dict:
    """The barrier-open pulse sent on .../message/down/gpio_out for a pass."""
    return {
        "id": event_id,
        "sn": serial,
        "name": "gpio_out",
        "version": "1.0",
        "timestamp": int(time.time()),
        "payload": {"type": "gpio_out", "body": {"delay": 500, "io": 0, "value": 2}},
    }
