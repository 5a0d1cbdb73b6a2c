"""Stage 1, parse: every read as the pipeline takes it. Vendors' formats become the native read in
registry.cameras and are validated by GateEventSchema (registry.events.schemas); the native JSON of
the MQTT gateway is decoded and validated in one pass by msgspec (`native_read`), and whatever that
fast path does not take as it is goes through GateEventSchema, which says what is wrong in its own words:
both give the same read for the same message. Then, for the batch:

- a camera clock far from the time of receipt (CAMERA_CLOCK_*) is wrong, not a pass in 2199: the read is
  judged and stored at the time of receipt, the camera's own time kept beside it;
- an event id longer than the column is stored by a digest of it, so that its resend is still found."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import marshmallow as ma
import msgspec

from registry.common.jsonio import MAX_DEPTH
from registry.common.text import text_problem, without_format_characters
from registry.events.models import EVENT_ID_LENGTH
from registry.events.schemas import IMAGE_KINDS, MAX_EVENT_ID, MAX_REFERENCE, TIME_SOURCES, GateEventSchema
from registry.identifiers.colours import UnknownColour, plate_colour
from registry.identifiers.plates import is_no_plate, normalise_plate
from registry.ingest.passes import Arrival

SCHEMA = GateEventSchema()  # built once: building a schema deep-copies its fields
_MOMENT = SCHEMA.fields["captured_at"]


class _Native(msgspec.Struct):
    """The native gate event with the JSON types a well-behaved camera sends; anything else is left to
    GateEventSchema."""

    event_id: str
    plate: str | None
    direction: str
    captured_at: str
    plate_sent: str | None = None
    plate_color: str | int | None = None
    confidence: float | None = None
    lane: str | None = None
    vehicle_type: str | None = None
    time_source: str = "camera"
    images: dict[str, str] = msgspec.field(default_factory=dict)
    picture_refs: dict[str, str] = msgspec.field(default_factory=dict)
    device: str | None = None
    sequence: int | None = None
    backlog: bool = False
    plate_box: list[int] | None = None


_DECODER = msgspec.json.Decoder(_Native)


class _Slow(Exception):
    """The fast path does not take this message as it is."""


def native_read(payload: bytes, max_images: int) -> dict | None:
    """The read a native gate event's JSON gives, exactly as GateEventSchema would give it; None when the
    fast path does not take the message as it is (GateEventSchema then judges it and says what is wrong).
    The caller has checked the payload's size."""
    if payload.count(b"[") + payload.count(b"{") > MAX_DEPTH:  # nesting: the slow path's to judge
        return None
    try:
        return _checked(_DECODER.decode(payload), max_images)
    except (msgspec.DecodeError, _Slow):
        return None


def _checked(event: _Native, max_images: int) -> dict:
    """The read, where every field is as GateEventSchema would take it; _Slow for anything else."""
    plate = event.plate
    if plate is not None:
        plate = without_format_characters(_text(plate))
        if len(plate) > 32:
            raise _Slow
    try:
        colour = plate_colour(event.plate_color)
        moment = _MOMENT.deserialize(event.captured_at)
    except (UnknownColour, ma.ValidationError):
        raise _Slow from None
    confidence = event.confidence
    if confidence is not None and not 0 <= confidence <= 1:
        raise _Slow
    sequence = event.sequence
    if sequence is not None and not 0 <= sequence <= 2**53:
        raise _Slow
    box = event.plate_box
    if box is not None and (len(box) != 4 or min(box) < 0):
        raise _Slow
    if event.direction not in ("in", "out") or event.time_source not in TIME_SOURCES:
        raise _Slow
    event_id = _text(event.event_id)
    if not 1 <= len(event_id) <= MAX_EVENT_ID:
        raise _Slow
    read = {
        "event_id": event_id,
        "plate": plate,
        "plate_sent": _optional(event.plate_sent, 64),
        "plate_color": colour.value if colour else None,
        "direction": event.direction,
        "captured_at": moment,
        "confidence": confidence,
        "lane": _optional(event.lane, 20),
        "vehicle_type": _optional(event.vehicle_type, 50),
        "time_source": event.time_source,
        "images": _images(event.images, max_images),
        "picture_refs": {kind: _reference(kind, value) for kind, value in event.picture_refs.items()},
        "device": _optional(event.device, 64),
        "sequence": sequence,
        "backlog": event.backlog,
        "plate_box": box,
    }
    if is_no_plate(read["plate"]):  # GateEventSchema.no_plate
        read["plate_sent"] = read["plate_sent"] or (read["plate"] or None)
        read["plate"] = None
    return read


def _text(value: str) -> str:
    if text_problem(value) is not None:
        raise _Slow
    return value


def _optional(value: str | None, longest: int) -> str | None:
    if value is not None and len(_text(value)) > longest:
        raise _Slow
    return value


def _images(images: dict[str, str], max_images: int) -> dict[str, bytes]:
    if len(images) > max_images or any(kind not in IMAGE_KINDS for kind in images):
        raise _Slow
    try:
        return {kind: base64.b64decode(text, validate=True) for kind, text in images.items()}
    except (binascii.Error, ValueError):
        raise _Slow from None


def _reference(kind: str, value: str) -> str:
    if kind not in IMAGE_KINDS or not 1 <= len(_text(value)) <= MAX_REFERENCE:
        raise _Slow
    return value


@dataclass(frozen=True, slots=True)
class Clock:
    """How far a camera's clock may be from the time of receipt and still be believed."""

    ahead: timedelta
    behind: timedelta

    @classmethod
    def of(cls, config) -> Clock:
        return cls(
            timedelta(hours=config["CAMERA_CLOCK_AHEAD_HOURS"]), timedelta(days=config["CAMERA_CLOCK_BEHIND_DAYS"])
        )


def prepared(arrivals: list[Arrival], received: datetime, clock: Clock) -> list[Arrival]:
    """The arrivals with their ids as stored and their clocks checked."""
    return [_clock_checked(_id_stored(a), received, clock) for a in arrivals]


def one_gate_a_plate(arrivals: list[Arrival]) -> list[list[Arrival]]:
    """The batch in order, cut where a plate comes again at another gate: the cloned-plate check compares a
    pass with the plate's passes already stored, so the later read must find the earlier one written (a
    backlog drained after an outage brings both in one batch). Reads of one plate at one gate stay together
    (they are merged into one pass); a batch without such a plate stays whole."""
    parts: list[list[Arrival]] = [[]]
    seen: dict[str, int] = {}  # plate -> the gate it was read at in the current part
    for arrival in arrivals:
        plate = normalise_plate(arrival.read.get("plate") or "")
        if plate and seen.get(plate, arrival.gate.id) != arrival.gate.id:
            parts.append([])
            seen = {}
        if plate:
            seen[plate] = arrival.gate.id
        parts[-1].append(arrival)
    return [part for part in parts if part]


def clock_is_wrong(claimed: datetime, received: datetime, ahead: timedelta, behind: timedelta) -> bool:
    """A camera's time further ahead of the time of receipt than `ahead`, or further behind than `behind`."""
    return not received - behind <= claimed <= received + ahead


def stored_event_id(event_id: str) -> str:
    """The id as stored: whole up to the column's length, else `sha256:` and its digest (deterministic)."""
    if len(event_id) <= EVENT_ID_LENGTH:
        return event_id
    return "sha256:" + hashlib.sha256(event_id.encode()).hexdigest()


def _id_stored(arrival: Arrival) -> Arrival:
    event_id = arrival.read["event_id"]
    if len(event_id) <= EVENT_ID_LENGTH:
        return arrival
    read = arrival.read | {"event_id": stored_event_id(event_id), "camera_event_id": event_id}
    return Arrival(arrival.gate, read, arrival.source)


def _clock_checked(arrival: Arrival, received: datetime, clock: Clock) -> Arrival:
    claimed = arrival.read["captured_at"]
    if not clock_is_wrong(claimed, received, clock.ahead, clock.behind):
        return arrival
    read = arrival.read | {"captured_at": received, "camera_time": claimed.isoformat()[:40], "time_source": "receiver"}
    return Arrival(arrival.gate, read, arrival.source)
