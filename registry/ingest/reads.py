"""Stage 1, parse: every read as the pipeline takes it. Vendors' formats become the native read in
registry.cameras and are validated by GateEventSchema (registry.events.schemas); the native JSON of
the MQTT gateway is decoded and validated here in one pass (`native_read`). Then, for the batch:

- a camera clock far from the time of receipt (CAMERA_CLOCK_*) is wrong, not a pass in 2199: the read is
  judged and stored at the time of receipt, the camera's own time kept beside it;
- an event id longer than the column is stored by a digest of it, so that its resend is still found."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from registry.events.models import EVENT_ID_LENGTH
from registry.ingest.passes import Arrival


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
