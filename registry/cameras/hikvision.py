"""Hikvision ISAPI ANPR alarm push (EventNotificationAlert, eventType ANPR), XML or JSON.

Field names from DOMAIN.md 7. Idempotent on `UUID`; `isDataRetransmission` marks a cached event
the camera uploads again after an outage: stored as the historical pass it is, never as a new one.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from defusedxml import ElementTree

from registry.cameras.common import derived_event_id, wrong_types_as
from registry.common import jsonio

DIRECTIONS = {"forward": "in", "reverse": "out"}
PLATE_PICTURES = {"licenseplatepicture.jpg"}
VEHICLE_PICTURES = {"vehiclepicture.jpg", "detectionpicture.jpg"}


class NotAnAnprEvent(ValueError):
    """The document is not an ANPR EventNotificationAlert."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_to_dict(element) -> dict | str:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    result: dict = {}
    for child in children:
        key, value = _local(child.tag), _xml_to_dict(child)
        if key in result:
            existing = result[key]
            result[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            result[key] = value
    return result


def parse_alert(document: bytes) -> dict:
    """EventNotificationAlert (XML or JSON) as a plain dict."""
    text = document.strip()
    if text.startswith(b"{"):
        data = jsonio.loads(text)
        alert = data.get("EventNotificationAlert", data) if isinstance(data, dict) else None
        if not isinstance(alert, dict):
            raise NotAnAnprEvent("the JSON part is not an EventNotificationAlert object")
        return alert
    root = ElementTree.fromstring(text)
    if _local(root.tag) != "EventNotificationAlert":
        raise NotAnAnprEvent(f"root element is {_local(root.tag)}, not EventNotificationAlert")
    return _xml_to_dict(root)


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def picture_kind(name: str) -> str | None:
    lowered = name.lower()
    if lowered in PLATE_PICTURES:
        return "plate"
    if lowered in VEHICLE_PICTURES:
        return "vehicle"
    return None


def _references(alert: dict) -> dict:
    """Pictures a cloud-connected camera sends by URL (`pictureInfoList.pictureInfo[].pictureURL`)."""
    listed = (alert.get("pictureInfoList") or {}).get("pictureInfo") if isinstance(alert, dict) else None
    listed = listed if isinstance(listed, list) else [listed] if isinstance(listed, dict) else []
    references = {}
    for info in listed:
        url = str(info.get("pictureURL") or info.get("picURL") or "").strip() if isinstance(info, dict) else ""
        kind = picture_kind(str(info.get("fileName") or "")) if url else None
        if kind:
            references.setdefault(kind, url)
    return references


@wrong_types_as(NotAnAnprEvent, "ANPR")
def to_read(alert: dict, pictures: dict[str, bytes]) -> tuple[dict, bool]:
    """(the native read, whether the camera marked it a retransmission)."""
    if str(alert.get("eventType", "")).upper() != "ANPR":
        raise NotAnAnprEvent(f"eventType is {alert.get('eventType')!r}, not ANPR")
    anpr = alert.get("ANPR") or {}
    confidence = anpr.get("confidenceLevel")
    images = {}
    for name, data in pictures.items():
        kind = picture_kind(name)
        if kind and kind not in images:
            images[kind] = base64.b64encode(data).decode()
    plate = str(anpr.get("licensePlate") or "").strip()
    moment = str(alert.get("dateTime") or "").strip()
    read = {
        "event_id": str(alert.get("UUID") or "").strip()
        or derived_event_id("hikvision", alert.get("deviceID") or alert.get("macAddress"), moment, plate),
        "plate": plate,  # a no-plate word stays as sent: the schema makes it a no-plate read
        "plate_color": anpr.get("plateColor") or None,
        "direction": DIRECTIONS.get(str(anpr.get("direction", "")).lower(), "in"),
        "captured_at": moment or datetime.now(UTC).isoformat(),
        "time_source": "camera" if moment else "receiver",
        "confidence": float(confidence) / 100 if str(confidence or "").strip() else None,
        "lane": str(alert.get("channelID") or "")[:20] or None,
        "vehicle_type": anpr.get("vehicleType") or None,
        "images": images,
        "picture_refs": _references(alert),
        "device": str(alert.get("deviceID") or alert.get("macAddress") or "")[:64] or None,
    }
    return read, _truthy(alert.get("isDataRetransmission", "false"))
