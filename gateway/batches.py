"""One batch of gate messages into the database, in the caller's transaction: each parsed, its gate
looked up (a batch's gates in at most two queries, locked until the commit), the reads stored by the
ingest service, the unparseable and the gateless kept as dead letters."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import String, select, type_coerce

from gateway.handlers import Outgoing, Prepared, Rejected, dead_letter, prepare, respond, unknown_gate
from registry.common.statements import one_of, prebuilt
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.gates.services import note_heartbeats
from registry.ingest import Arrival, record_plate_events
from registry.ingest.gather import InForce
from registry.ingest.passes import GateInfo
from registry.ingest.pipeline import lock_gates
from registry.rules import FirmFacts


def store_batch(batch: list, tally: Counter, in_force: InForce) -> Outgoing:
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
    seen: set[int] = set()
    for item in prepared:
        gate = by_device.get(item.device_sn) if item.device_sn else by_code.get(item.gate_code)
        if item.heartbeat:
            if gate is None:
                tally["heartbeat:unknown_device"] += 1  # counted, not kept: a camera not yet bound to a gate
            else:
                seen.add(gate.id)
                tally["heartbeat"] += 1
            continue
        if gate is None:
            rejected = unknown_gate(item)
            dead_letter(item.topic, item.payload, rejected)
            tally[f"dead_letter:{rejected.reason}"] += 1
        else:
            accepted.append((item, Arrival(gate, item.read, item.source)))
    note_heartbeats(sorted(seen))
    results = record_plate_events([arrival for _, arrival in accepted], in_force, gates_locked=True)
    outgoing: Outgoing = []
    for (item, arrival), ingested in zip(accepted, results, strict=True):
        tally[ingested.outcome] += 1
        outgoing.extend(respond(item, arrival.gate.code, ingested.answer()))
    return outgoing


def _gates(prepared: list[Prepared]) -> tuple[dict[str, GateInfo], dict[str, GateInfo]]:
    """The enabled gates a batch names, by code and by camera serial, with their firms, locked for
    the batch, in at most two queries (plain rows: GateInfo)."""
    codes = sorted({p.gate_code for p in prepared if p.gate_code})
    devices = sorted({p.device_sn for p in prepared if p.device_sn})
    by_code, by_device = {}, {}
    if codes:
        by_code = {row.code: _gate(row) for row in db.session.execute(_gates_by_code(), {"codes": codes})}
    if devices:
        found = db.session.execute(_gates_by_device(), {"devices": devices})
        by_device = {row.device_sn: _gate(row) for row in found}
    return by_code, by_device


def _gate(row) -> GateInfo:
    """A gate as the pipeline needs it; a road checkpoint (卡口) has no firm."""
    firm = None
    if row.firm_id is not None:
        firm = FirmFacts(
            row.firm_id, row.industry, row.annual_freight_tonnes, row.in_planning_area, row.grade, row.region
        )
    return GateInfo(
        row.id, row.code, row.name, row.firm_id, row.firm_name or "", firm, row.latitude, row.longitude, row.kind
    )


@prebuilt
def _gates_by_code(dialect: str):
    return _enabled_gates(one_of(Gate.code, "codes", dialect))


@prebuilt
def _gates_by_device(dialect: str):
    return _enabled_gates(one_of(Gate.device_sn, "devices", dialect))


def _enabled_gates(condition):
    text_of = type_coerce
    columns = (
        Gate.id, Gate.code, Gate.name, Gate.device_sn, Gate.firm_id, Gate.latitude, Gate.longitude, Gate.kind,
        Firm.name.label("firm_name"), text_of(Firm.industry, String).label("industry"), Firm.annual_freight_tonnes,
        Firm.in_planning_area, text_of(Firm.performance_grade, String).label("grade"), Firm.region,
    )  # fmt: skip
    return lock_gates(select(*columns).outerjoin(Firm, Firm.id == Gate.firm_id).where(condition, Gate.active))
