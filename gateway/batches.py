"""One batch of gate messages into the database, in the caller's transaction: each parsed, its gate
looked up (a batch's gates in at most two queries, locked until the commit), the reads stored by the
ingest service, the unparseable and the gateless kept as dead letters."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from gateway.handlers import Outgoing, Prepared, Rejected, dead_letter, prepare, respond, unknown_gate
from registry.common.statements import one_of, prebuilt
from registry.extensions import db
from registry.gates.models import Gate
from registry.gates.services import note_heartbeats
from registry.ingest import Arrival, record_plate_events
from registry.ingest.facts import PolicyCache
from registry.ingest.pipeline import lock_gates


def store_batch(batch: list, tally: Counter, policy_cache: PolicyCache) -> Outgoing:
    """Store messages in the caller's transaction: dead letters, passes and verdicts; what to publish
    once it commits. `tally` counts what became of them."""
    prepared: list[Prepared] = []
    for message in batch:
        try:
            prepared.append(prepare(message.topic, message.payload))
        except Rejected as exc:
            dead_letter(message.topic, message.payload, exc)
            tally[f"dead_letter:{exc.reason}"] += 1
    by_code, by_device = _gates(prepared)
    accepted: list[tuple[Prepared, Arrival]] = []
    seen: dict[int, Gate] = {}
    for item in prepared:
        gate = by_device.get(item.device_sn) if item.device_sn else by_code.get(item.gate_code)
        if item.heartbeat:
            if gate is None:
                tally["heartbeat:unknown_device"] += 1  # counted, not kept: a camera not yet bound to a gate
            else:
                seen[gate.id] = gate
                tally["heartbeat"] += 1
            continue
        if gate is None:
            rejected = unknown_gate(item)
            dead_letter(item.topic, item.payload, rejected)
            tally[f"dead_letter:{rejected.reason}"] += 1
        else:
            accepted.append((item, Arrival(gate, item.read, item.source)))
    note_heartbeats(list(seen.values()))
    results = record_plate_events([arrival for _, arrival in accepted], policy_cache, gates_locked=True)
    outgoing: Outgoing = []
    for (item, arrival), ingested in zip(accepted, results, strict=True):
        tally[ingested.outcome] += 1
        outgoing.extend(respond(item, arrival.gate.code, ingested.answer()))
    return outgoing


def _gates(prepared: list[Prepared]) -> tuple[dict[str, Gate], dict[str, Gate]]:
    """The enabled gates a batch names, by code and by camera serial, with their firms, locked for
    the batch, in at most two queries."""
    codes = sorted({p.gate_code for p in prepared if p.gate_code})
    devices = sorted({p.device_sn for p in prepared if p.device_sn})
    by_code, by_device = {}, {}
    if codes:
        by_code = {g.code: g for g in db.session.scalars(_gates_by_code(), {"codes": codes})}
    if devices:
        by_device = {g.device_sn: g for g in db.session.scalars(_gates_by_device(), {"devices": devices})}
    return by_code, by_device


@prebuilt
def _gates_by_code(dialect: str):
    return _enabled_gates(one_of(Gate.code, "codes", dialect))


@prebuilt
def _gates_by_device(dialect: str):
    return _enabled_gates(one_of(Gate.device_sn, "devices", dialect))


def _enabled_gates(condition):
    return lock_gates(select(Gate).options(joinedload(Gate.firm)).where(condition, Gate.active))
