"""Gate ingest: one service for every transport. A read becomes a pass with its verdict, once.

- idempotent on (gate, event_id): a resent event returns the stored pass and creates nothing;
- a camera clock far from the time of receipt (CAMERA_CLOCK_*) is wrong, not a pass in 2199: the
  pass is judged and stored at the time of receipt, and the camera's own time is kept beside it;
- one pass, one record: reads of the same vehicle at the same gate and direction within the merge
  window, including reads one look-alike character apart, merge into one pass that keeps the
  best-confidence read and counts the reads; no-plate reads (无牌车) are never merged: nothing says
  two of them are the same vehicle;
- an event id longer than the column is stored by a digest of it, so its resend is still recognised.

Reads are taken in batches (the MQTT gateway commits hundreds at once; HTTP sends a batch of
one): the facts for the whole batch are looked up in a handful of queries and written in one flush.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from registry.common.time import utcnow
from registry.compliance.facts import Facts, PolicyCache
from registry.events.candidates import recent_passes, stored_reads
from registry.events.display import led_text
from registry.events.judging import judge, store_images, store_references
from registry.events.models import EVENT_ID_LENGTH, Direction, PlateEvent, PlateRead
from registry.events.pictures import take_pictures
from registry.events.writing import ChildRows, NewPass, NewPasses, write_batch
from registry.extensions import db
from registry.gates.models import Gate
from registry.identifiers.plates import PlateColour, normalise_plate
from registry.uplink.outbox import forward


@dataclass
class Arrival:
    """One validated read (GateEventSchema) from one authenticated gate."""

    gate: Gate
    read: dict
    source: str  # mqtt, http, hikvision, hikvision-resend, alarminfoplate, dahua


@dataclass
class Ingested:
    plate_event: PlateEvent | NewPass  # a stored pass, or one this batch created
    event_id: str
    outcome: str  # created, duplicate, merged

    @property
    def created(self) -> bool:
        return self.outcome == "created"

    def answer(self) -> dict:
        """The verdict as the gate receives it (HTTP body and MQTT verdict message alike)."""
        verdict = self.plate_event.verdict
        return {
            "id": self.plate_event.id,
            "event_id": self.event_id,
            "plate": self.plate_event.plate or None,
            "no_plate": not self.plate_event.plate,
            "decision": verdict.decision.value,
            "findings": verdict.findings,
            "policy_ids": verdict.policy_ids,
            "stage_inferred": verdict.stage_inferred,
            "display": led_text(
                self.plate_event.plate, verdict.emission_stage, verdict.decision.value, verdict.findings
            ),
            "read_count": self.plate_event.read_count,
            "outcome": self.outcome,
        }


def record_plate_event(gate: Gate, read: dict, source: str) -> Ingested:
    """Store one read; flushes, never commits."""
    return record_plate_events([Arrival(gate, read, source)])[0]


def record_plate_events(
    arrivals: list[Arrival], policy_cache: PolicyCache | None = None, gates_locked: bool = False
) -> list[Ingested]:
    """Store a batch of reads in order; flushes once, never commits. A long-running caller may share
    a PolicyCache across batches, and may have locked the gates rows itself (`lock_gates`)."""
    if not arrivals:
        return []
    received = utcnow()
    arrivals = checked_clocks(with_stored_ids(arrivals), received)
    gates = {a.gate.id: a.gate for a in arrivals}
    if not gates_locked:
        db.session.execute(lock_gates(select(Gate.id).where(Gate.id.in_(sorted(gates)))))
    stored = stored_reads(arrivals)
    passes = recent_passes(arrivals)
    facts = Facts(policy_cache)
    facts.preload(
        {normalise_plate(a.read["plate"]) for a in arrivals if a.read["plate"]},
        [a.read["captured_at"] for a in arrivals],
    )
    window = timedelta(seconds=current_app.config["MERGE_WINDOW_SECONDS"])
    children, new_passes = ChildRows(), NewPasses()
    results = []
    with db.session.no_autoflush:
        for arrival in arrivals:
            gate, read = arrival.gate, arrival.read
            key = (gate.id, read["event_id"])
            camera_id = read.get("camera_event_id", read["event_id"])
            if key in stored:
                results.append(Ingested(stored[key], camera_id, "duplicate"))
                continue
            plate = normalise_plate(read["plate"]) if read["plate"] else ""
            pictures = take_pictures(read.get("images") or {})
            plate_event = passes.same_pass(gate.id, read, plate, window) if plate else None
            if plate_event is None:
                plate_event = NewPass(
                    gate_id=gate.id,
                    event_id=read["event_id"],
                    direction=Direction(read["direction"]),
                    captured_at=read["captured_at"],
                    received_at=received,
                    camera_time=read.get("camera_time"),
                    time_source=read.get("time_source", "camera"),
                    **_read_fields(read, plate),
                )
                new_passes.add(plate_event)
                judge(plate_event, gate, facts, children, pictures, read.get("plate_box"))
                passes.add(plate_event, gate.id, read["direction"])
                forward(children, plate_event)
                outcome = "created"
            else:
                if (read["confidence"] or 0) > (plate_event.confidence or 0):
                    for field, value in _read_fields(read, plate).items():
                        setattr(plate_event, field, value)
                    judge(plate_event, gate, facts, children, pictures, read.get("plate_box"))
                    passes.add(plate_event, gate.id, read["direction"])  # findable by its new plate too
                    forward(children, plate_event)
                outcome = "merged"
            plate_event.read_count += 1
            children.add(
                PlateRead,
                plate_event,
                {
                    "gate_id": gate.id,
                    "event_id": read["event_id"],
                    "plate_raw": read["plate"] or "",
                    "plate_sent": read.get("plate_sent"),
                    "device": read.get("device"),
                    "sequence": read.get("sequence"),
                    "backlog": bool(read.get("backlog")),
                    "plate_color": _colour(read),
                    "confidence": read["confidence"],
                    "captured_at": read["captured_at"],
                    "received_at": received,
                    "source": arrival.source,
                },
            )
            store_images(plate_event, pictures, children)
            store_references(plate_event, read.get("picture_refs") or {}, children)
            stored[key] = plate_event
            results.append(Ingested(plate_event, camera_id, outcome))
    db.session.flush()  # merges into stored passes
    write_batch(
        new_passes,
        children,
        {gate_id: gate.firm_id for gate_id, gate in gates.items()},
        last_passes(arrivals, received),
    )
    return results


def last_passes(arrivals: list[Arrival], received: datetime) -> list[tuple[datetime, str | None, int]]:
    """(time of receipt, the camera's wrong clock or None, gate id) of each gate's last read in the
    batch, for the gate's row: what the dashboard's liveness reads, instead of every month of passes."""
    last = {a.gate.id: a.read.get("camera_time") for a in arrivals}
    return [(received, camera_time, gate_id) for gate_id, camera_time in sorted(last.items())]


def checked_clocks(arrivals: list[Arrival], received: datetime) -> list[Arrival]:
    """The arrivals, those whose camera clock is wrong carrying the time of receipt and the camera's time."""
    config = current_app.config
    ahead, behind = (
        timedelta(hours=config["CAMERA_CLOCK_AHEAD_HOURS"]),
        timedelta(days=config["CAMERA_CLOCK_BEHIND_DAYS"]),
    )
    checked = []
    for arrival in arrivals:
        claimed = arrival.read["captured_at"]
        if clock_is_wrong(claimed, received, ahead, behind):
            read = arrival.read | {
                "captured_at": received,
                "camera_time": claimed.isoformat()[:40],
                "time_source": "receiver",
            }
            arrival = Arrival(arrival.gate, read, arrival.source)
        checked.append(arrival)
    return checked


def stored_event_id(event_id: str) -> str:
    """The id as stored: whole up to the column's length, else `sha256:` and its digest (deterministic)."""
    if len(event_id) <= EVENT_ID_LENGTH:
        return event_id
    return "sha256:" + hashlib.sha256(event_id.encode()).hexdigest()


def with_stored_ids(arrivals: list[Arrival]) -> list[Arrival]:
    """The arrivals, those with an id too long to store carrying its digest (and the camera's id)."""
    return [
        a
        if len(a.read["event_id"]) <= EVENT_ID_LENGTH
        else Arrival(
            a.gate,
            a.read | {"event_id": stored_event_id(a.read["event_id"]), "camera_event_id": a.read["event_id"]},
            a.source,
        )
        for a in arrivals
    ]


def clock_is_wrong(claimed: datetime, received: datetime, ahead: timedelta, behind: timedelta) -> bool:
    """A camera's time further ahead of the time of receipt than `ahead`, or further behind than `behind`."""
    return not received - behind <= claimed <= received + ahead


def lock_gates(query):
    """Two gateways merging reads of one gate must not both create the pass: a query for gate rows
    that also locks them until the batch commits (PostgreSQL; SQLite has one writer anyway)."""
    return query.order_by(Gate.id).with_for_update(of=Gate)


def _colour(read: dict) -> PlateColour | None:
    return PlateColour(read["plate_color"]) if read["plate_color"] else None


def _read_fields(read: dict, plate: str) -> dict:
    return {
        "plate_raw": read["plate"] or "",
        "plate": plate,
        "plate_color": _colour(read),
        "confidence": read["confidence"],
        "lane": read.get("lane"),
        "vehicle_type": read.get("vehicle_type"),
    }
