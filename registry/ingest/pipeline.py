"""The gate's pipeline run for a batch of reads: parse -> resolve -> (pictures) -> facts -> decide ->
records -> write (registry.ingest). One service for every transport; flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from registry.common.time import utcnow
from registry.extensions import db
from registry.gates.models import Gate
from registry.ingest import decide, gather, reads, records, resolve, write
from registry.ingest.answer import answer_of
from registry.ingest.passes import CREATED, Arrival, GateInfo, PassRow
from registry.ingest.pictures import take_pictures

__all__ = ["Arrival", "Ingested", "lock_gates", "record_plate_event", "record_plate_events"]


@dataclass(slots=True)
class Ingested:
    plate_event: PassRow
    event_id: str  # as the camera sent it
    outcome: str  # created, duplicate, merged

    @property
    def created(self) -> bool:
        return self.outcome == CREATED

    def answer(self) -> dict:
        """The verdict as the gate receives it (HTTP body and MQTT verdict message alike)."""
        return answer_of(self.plate_event, self.event_id, self.outcome)


def record_plate_event(gate, read: dict, source: str) -> Ingested:
    """Store one read; flushes, never commits."""
    return record_plate_events([Arrival(gate, read, source)])[0]


def record_plate_events(
    arrivals: list[Arrival], in_force: gather.InForce | None = None, gates_locked: bool = False
) -> list[Ingested]:
    """Store a batch of reads in order, answering each. A long-running caller may keep the policies and
    alerts in force across batches (`in_force`), and may have locked the gates' rows itself (`lock_gates`)."""
    if not arrivals:
        return []
    config = current_app.config
    received = utcnow()
    gates = {a.gate.id: a.gate if isinstance(a.gate, GateInfo) else GateInfo.of(a.gate) for a in arrivals}
    if not gates_locked:
        db.session.execute(lock_gates(select(Gate.id).where(Gate.id.in_(sorted(gates)))))
    arrivals = reads.prepared(arrivals, received, reads.Clock.of(config))
    ingested = []
    for part in reads.one_gate_a_plate(arrivals):
        resolved = resolve.resolve(part, timedelta(seconds=config["MERGE_WINDOW_SECONDS"]), received)
        folder, cap = Path(config["IMAGE_DIR"]), config["MAX_IMAGE_BYTES"]
        for outcome in resolved.accepted:
            outcome.pictures = take_pictures(outcome.arrival.read.get("images") or {}, folder, cap)
            if outcome.plate_event.best is outcome.arrival:
                outcome.plate_event.pictures = outcome.pictures
        judged = resolved.judged
        gathered = gather.gather(judged, gates, in_force)
        decided = decide.decide_all(judged, gates, gathered)
        write.write(records.build(resolved, decided, received))
        ingested += [Ingested(o.plate_event, o.camera_event_id, o.outcome) for o in resolved.outcomes]
    return ingested


def lock_gates(query):
    """Two gateways merging reads of one gate must not both create the pass: a query for gate rows
    that also locks them until the batch commits (PostgreSQL; SQLite has one writer anyway)."""
    return query.order_by(Gate.id).with_for_update(of=Gate)
