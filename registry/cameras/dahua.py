"""Dahua ITC (智能交通/卡口) cameras: the ITSAPI picture upload and the TrafficJunction event.

- ITSAPI (`/NotificationInfo/TollgateInfo` on the camera's side): JSON `Picture{Plate{PlateNumber,
  PlateColor, Confidence, BoundingBox}, SnapInfo{DeviceID, AccurateTime, SnapTime, Direction, Lane},
  Vehicle{VehicleType}, NormalPic|VehiclePic{Content}, CutoutPic{Content}}`, answered `{"Result": true}`
  (anything else and the camera sends it again).
- TrafficJunction (the event of the HTTP event upload and of eventManager): `Code: TrafficJunction`
  with `Data{TrafficCar{PlateNumber, PlateColor, Lane, UTC, Direction, MachineName}, Object{Text,
  Confidence, BoundingBox}, UTC, RealUTC, UTCMS, EventID, GroupID, LocaleTime}`, as JSON (bare, or in
  `eventList[]`/`Events[]`) or as Dahua's `Events[0].TrafficCar.PlateNumber=...` text lines, with the
  pictures as JPEG parts of a multipart body or base64 in `Picture`/`Image` fields.

Dahua's `UTC` is the camera's local wall-clock time counted as if it were UTC (the sample field
captures give `UTC` = `LocaleTime` read as UTC, and `RealUTC` the true instant): `RealUTC` is used
when present, else the local time in `TIMEZONE`; DAHUA_UTC_IS_LOCAL turns that reading off for firmware
whose `UTC` is true UTC. Directions are a setting (DAHUA_DIRECTIONS): unconfirmed naming.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from registry.cameras.common import derived_event_id, picture_text, wrong_types_as
from registry.identifiers.colours import vendor_colour

TRAFFIC_CODES = {"trafficjunction", "trafficgate", "trafficsnapshot", "trafficmanualsnap", "trafficparking"}
_KEY = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class NotADahuaEvent(ValueError):
    """Neither an ITSAPI Picture nor a traffic event."""


def parse_lines(text: str) -> dict:
    """Dahua's `Events[0].TrafficCar.PlateNumber=浙A12345` lines as the nested object they spell."""
    root: dict = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if not sep or not key:
            continue
        node = root
        parts = [name or int(index) for name, index in _KEY.findall(key)]
        for part, following in pairwise(parts):
            if isinstance(node, list):
                while len(node) <= part:
                    node.append({})
                node = node[part]
            else:
                node = node.setdefault(part, [] if isinstance(following, int) else {})
        last = parts[-1] if parts else key
        if isinstance(node, list):
            while len(node) <= last:
                node.append({})
            node[last] = value
        elif isinstance(node, dict):
            node[last] = value
    return root


def _traffic_event(document: dict) -> dict | None:
    """The Data of the first traffic event in a document, wherever the firmware put it."""
    candidates = [document]
    for key in ("eventList", "Events", "events"):
        listed = document.get(key) or (document.get("params") or {}).get(key)
        if isinstance(listed, list):
            candidates.extend(item for item in listed if isinstance(item, dict))
    for event in candidates:
        code = str(event.get("Code") or (event.get("EventBaseInfo") or {}).get("Code") or "").lower()
        data = event.get("Data") if isinstance(event.get("Data"), dict) else event
        if code in TRAFFIC_CODES or isinstance(data.get("TrafficCar"), dict):
            return data
    return None


def _local(text: str, tz: ZoneInfo) -> datetime | None:
    for shape in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text.strip(), shape).replace(tzinfo=tz)
        except ValueError:
            continue
    return None


def _number(value) -> float | None:
    if value in (None, "") or isinstance(value, bool):
        return None
    return float(value)


def _moment(data: dict, car: dict, tz: ZoneInfo, utc_is_local: bool) -> tuple[datetime | None, str]:
    real = _number(data.get("RealUTC"))
    if real:
        return datetime.fromtimestamp(real, UTC), "camera"
    for key in ("AccurateTime", "LocaleTime", "SnapTime"):
        if isinstance(data.get(key), str) and (moment := _local(data[key], tz)):
            return moment, "camera"
    seconds = _number(data.get("UTC") or car.get("UTC"))
    if seconds:
        seconds += (_number(data.get("UTCMS")) or 0) / 1000
        moment = datetime.fromtimestamp(seconds, UTC)
        if utc_is_local:  # the local wall clock counted as if UTC
            moment = moment.replace(tzinfo=None).replace(tzinfo=tz)
        return moment, "camera"
    return None, "receiver"


def _direction(value, directions: dict) -> str:
    return directions.get(str(value).strip().lower(), "in") if value not in (None, "") else "in"


def _box(value) -> list[int] | None:
    if isinstance(value, list) and len(value) == 4 and all(isinstance(v, int) for v in value):
        left, top, right, bottom = value
        if right > left >= 0 and bottom > top >= 0:
            return [left, top, right - left, bottom - top]
    return None


def _content(picture) -> str | None:
    if isinstance(picture, dict):
        picture = picture.get("Content") or picture.get("Data")
    return picture_text(picture.strip()) if isinstance(picture, str) and picture.strip() else None


def _reference(picture) -> str | None:
    if isinstance(picture, dict):
        for key in ("URL", "Url", "url", "PicURL", "Path"):
            if isinstance(picture.get(key), str) and picture[key].strip():
                return picture[key].strip()
    return None


@wrong_types_as(NotADahuaEvent, "大华 Dahua")
def to_read(document: dict, pictures: dict[str, bytes], settings: dict) -> tuple[dict, str]:
    """(the native read, which format it was: itsapi or event); NotADahuaEvent when neither."""
    if not isinstance(document, dict):
        raise NotADahuaEvent("not a JSON object")
    tz = ZoneInfo(settings["TIMEZONE"])
    directions = settings["DAHUA_DIRECTIONS"]
    if isinstance(document.get("Picture"), dict):
        picture = document["Picture"]
        plate, snap = picture.get("Plate") or {}, picture.get("SnapInfo") or {}
        vehicle = picture.get("Vehicle") or {}
        text = str(plate.get("PlateNumber") or "").strip()
        moment, source = _moment(snap, {}, tz, settings["DAHUA_UTC_IS_LOCAL"])
        device = str(snap.get("DeviceID") or "").strip() or None
        event_id = snap.get("SnapId") or snap.get("RecNo") or snap.get("EventID")
        event_id = f"{device}-{event_id}" if event_id not in (None, "") else None
        event_id = event_id or derived_event_id(
            "dahua-itsapi", device, snap.get("AccurateTime") or snap.get("SnapTime"), text, snap.get("Lane")
        )
        inline = {
            kind: content
            for kind, content in (
                ("vehicle", _content(picture.get("VehiclePic")) or _content(picture.get("NormalPic"))),
                ("plate", _content(picture.get("CutoutPic"))),
            )
            if content
        }
        references = {
            kind: ref
            for kind, ref in (
                ("vehicle", _reference(picture.get("VehiclePic")) or _reference(picture.get("NormalPic"))),
                ("plate", _reference(picture.get("CutoutPic"))),
            )
            if ref
        }
        read = {
            "event_id": str(event_id),
            "plate": text,  # a no-plate word stays as sent: the schema makes it a no-plate read
            "plate_color": vendor_colour(plate.get("PlateColor")),
            "direction": _direction(snap.get("Direction"), directions),
            "captured_at": moment,
            "time_source": source,
            "confidence": _confidence(plate.get("Confidence")),
            "lane": str(snap.get("Lane") or plate.get("Channel") or "")[:20] or None,
            "vehicle_type": str(vehicle.get("VehicleType") or "")[:50] or None,
            "plate_box": _box(plate.get("BoundingBox")),
            "device": device,
            "images": inline,
            "picture_refs": references,
        }
        return _finish(read, pictures), "itsapi"
    data = _traffic_event(document)
    if data is None:
        raise NotADahuaEvent("neither an ITSAPI Picture nor a TrafficJunction event")
    car, obj = data.get("TrafficCar") or {}, data.get("Object") or {}
    text = str(car.get("PlateNumber") or obj.get("Text") or "").strip()
    moment, source = _moment(data, car, tz, settings["DAHUA_UTC_IS_LOCAL"])
    device = str(car.get("MachineName") or car.get("DeviceAddress") or "").strip() or None
    group, index = data.get("GroupID") or car.get("GroupID"), data.get("EventID") or data.get("IndexInGroup")
    seconds = data.get("RealUTC") or data.get("UTC") or car.get("UTC")
    event_id = f"{seconds}-{group}-{index}" if group not in (None, "") or index not in (None, "") else None
    read = {
        "event_id": event_id or derived_event_id("dahua-event", device, seconds, text, car.get("Lane")),
        "plate": text,  # a no-plate word stays as sent: the schema makes it a no-plate read
        "plate_color": vendor_colour(car.get("PlateColor")),
        "direction": _direction(car.get("Direction", data.get("JunctionDirection")), directions),
        "captured_at": moment,
        "time_source": source,
        "confidence": _confidence(obj.get("Confidence")),
        "lane": str(car.get("Lane") or data.get("Lane") or "")[:20] or None,
        "vehicle_type": str(car.get("VehicleSize") or car.get("VehicleType") or "")[:50] or None,
        "plate_box": None,
        "device": device,
        "images": {},
        "picture_refs": {},
    }
    return _finish(read, pictures), "event"


def _confidence(value) -> float | None:
    number = _number(value)
    if number is None:
        return None
    return min(number / 100, 1.0) if number > 1 else number


def _finish(read: dict, pictures: dict[str, bytes]) -> dict:
    """Pictures of a multipart body by their part names; the capture time as text for the schema."""
    for name, data in pictures.items():
        lowered = name.lower()
        kind = "plate" if any(w in lowered for w in ("plate", "cutout", "small")) else "vehicle"
        read["images"].setdefault(kind, base64.b64encode(data).decode())
    moment = read["captured_at"] or datetime.now(UTC)
    read["captured_at"] = moment.isoformat()
    return read


def answer(decision: str, display: str) -> dict:
    """`Result: true` tells the camera the upload arrived (else it sends it again); the verdict is added
    for gate systems that read it."""
    return {"Result": True, "Message": "ok", "decision": decision, "display": display}
