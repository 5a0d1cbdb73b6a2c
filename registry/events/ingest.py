"""Gate ingest: one service for every transport. A read becomes a pass with its verdict, once.

- idempotent on (gate, event_id): a resent event returns the stored pass and creates nothing;
- one pass, one record: reads of the same vehicle at the same gate and direction within the merge
  window, including reads one look-alike character apart, merge into one pass that keeps the
  best-confidence read and counts the reads.

Reads are taken in batches (the MQTT gateway commits hundreds at once; HTTP sends a batch of
one): the facts for the whole batch are looked up in a handful of queries and written in one flush.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import selectinload

from registry.common.time import utcnow
from registry.compliance.facts import Facts
from registry.compliance.services import Check, check_read, firm_facts, vehicle_facts
from registry.events.display import led_text
from registry.events.images import store_image
from registry.events.models import (
    Decision,
    Direction,
    PassImage,
    PlateEvent,
    PlateRead,
    Severity,
    Verdict,
    Violation,
    ViolationStatus,
)
from registry.extensions import db
from registry.gates.models import Gate
from registry.identifiers.plates import PlateColour, lookalike_plates, normalise_plate


class ChildRows:
    """Rows that only hang off a pass (reads, violations, pictures): written after the passes with
    one executemany per table, which is much cheaper than an ORM object per row."""

    def __init__(self):
        self.rows: dict[type, list[tuple[PlateEvent, dict]]] = defaultdict(list)

    def add(self, model: type, plate_event: PlateEvent, values: dict) -> None:
        self.rows[model].append((plate_event, values))

    def drop(self, model: type, plate_event: PlateEvent) -> None:
        self.rows[model] = [(pe, v) for pe, v in self.rows[model] if pe is not plate_event]

    def write(self) -> None:
        for model, rows in self.rows.items():
            if rows:
                db.session.execute(insert(model), [values | {"plate_event_id": pe.id} for pe, values in rows])


@dataclass
class Arrival:
    """One validated read (GateEventSchema) from one authenticated gate."""

    gate: Gate
    read: dict
    source: str  # mqtt, http, hikvision, hikvision-resend, alarminfoplate


@dataclass
class Ingested:
    plate_event: PlateEvent
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
            "plate": self.plate_event.plate,
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


def record_plate_events(arrivals: list[Arrival]) -> list[Ingested]:
    """Store a batch of reads in order; flushes once, never commits."""
    if not arrivals:
        return []
    gates = {a.gate.id: a.gate for a in arrivals}
    _serialise_per_gate(list(gates))
    stored = _stored_reads(arrivals)
    passes = _recent_passes(arrivals)
    facts = Facts()
    facts.preload({normalise_plate(a.read["plate"]) for a in arrivals}, [a.read["captured_at"] for a in arrivals])
    window = timedelta(seconds=current_app.config["MERGE_WINDOW_SECONDS"])
    children = ChildRows()
    results = []
    with db.session.no_autoflush:
        for arrival in arrivals:
            gate, read = arrival.gate, arrival.read
            key = (gate.id, read["event_id"])
            if key in stored:
                results.append(Ingested(stored[key], read["event_id"], "duplicate"))
                continue
            plate = normalise_plate(read["plate"])
            plate_event = passes.same_pass(gate.id, read, plate, window)
            if plate_event is None:
                plate_event = PlateEvent(
                    gate=gate,
                    event_id=read["event_id"],
                    direction=Direction(read["direction"]),
                    captured_at=read["captured_at"],
                    read_count=0,
                    **_read_fields(read, plate),
                )
                _judge(plate_event, gate, facts, children)
                passes.add(plate_event, gate.id, read["direction"])
                outcome = "created"
            else:
                if (read["confidence"] or 0) > (plate_event.confidence or 0):
                    for field, value in _read_fields(read, plate).items():
                        setattr(plate_event, field, value)
                    _judge(plate_event, gate, facts, children)
                    passes.add(plate_event, gate.id, read["direction"])  # findable by its new plate too
                outcome = "merged"
            plate_event.read_count += 1
            db.session.add(plate_event)
            children.add(
                PlateRead,
                plate_event,
                {
                    "gate_id": gate.id,
                    "event_id": read["event_id"],
                    "plate_raw": read["plate"],
                    "plate_color": _colour(read),
                    "confidence": read["confidence"],
                    "captured_at": read["captured_at"],
                    "received_at": utcnow(),
                    "source": arrival.source,
                },
            )
            _store_images(plate_event, read.get("images") or {}, children)
            stored[key] = plate_event
            results.append(Ingested(plate_event, read["event_id"], outcome))
        _take_ids_from_sequences()
    db.session.flush()
    children.write()
    return results


def _take_ids_from_sequences() -> None:
    """On PostgreSQL, give new passes and verdicts their ids first (one query per table), so the ORM
    can write them with a pipelined executemany of one short statement instead of INSERT ... RETURNING
    statements of hundreds of rows, which psycopg would parse anew each time."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    pending = defaultdict(list)
    for row in db.session.new:
        if isinstance(row, (PlateEvent, Verdict)) and row.id is None:
            pending[row.__table__.name].append(row)
    for table, rows in pending.items():
        ids = db.session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": table, "count": len(rows)},
        ).scalars()
        for row, ident in zip(rows, ids, strict=True):
            row.id = ident


def _serialise_per_gate(gate_ids: list[int]) -> None:
    """Two gateways merging reads of one gate must not both create the pass: lock the gate rows."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Gate.id).where(Gate.id.in_(sorted(gate_ids))).order_by(Gate.id).with_for_update())


def _stored_reads(arrivals: list[Arrival]) -> dict[tuple[int, str], PlateEvent]:
    """Reads of this batch already stored (resent events), by (gate, event id)."""
    wanted = {(a.gate.id, a.read["event_id"]) for a in arrivals}
    gate_ids = {gate_id for gate_id, _ in wanted}
    event_ids = sorted({event_id for _, event_id in wanted})
    found = {}
    for start in range(0, len(event_ids), 1000):
        rows = db.session.execute(
            select(PlateRead.gate_id, PlateRead.event_id, PlateRead.plate_event_id).where(
                PlateRead.event_id.in_(event_ids[start : start + 1000]), PlateRead.gate_id.in_(gate_ids)
            )
        )
        found.update({(g, e): pass_id for g, e, pass_id in rows if (g, e) in wanted})
    if not found:
        return {}
    passes = {
        p.id: p
        for p in db.session.scalars(
            select(PlateEvent).where(PlateEvent.id.in_(set(found.values()))).options(selectinload(PlateEvent.verdict))
        )
    }
    return {key: passes[pass_id] for key, pass_id in found.items()}


class RecentPasses:
    """Passes reads could merge into, indexed by (gate, direction, plate) for O(1) look-ups."""

    def __init__(self):
        self.by_plate: defaultdict[tuple[int, str, str], list[PlateEvent]] = defaultdict(list)

    def add(self, plate_event: PlateEvent, gate_id: int, direction: str) -> None:
        self.by_plate[(gate_id, direction, plate_event.plate)].append(plate_event)

    def same_pass(self, gate_id: int, read: dict, plate: str, window: timedelta) -> PlateEvent | None:
        """The latest pass within the window of the same plate, or of one a look-alike away."""
        if not window:
            return None
        moment, direction = read["captured_at"], read["direction"]
        near = [
            candidate
            for alike in (plate, *lookalike_plates(plate))
            for candidate in self.by_plate.get((gate_id, direction, alike), ())
            if abs(candidate.captured_at - moment) <= window
        ]
        return max(near, key=lambda c: c.captured_at) if near else None


def _recent_passes(arrivals: list[Arrival]) -> RecentPasses:
    """The stored passes reads of this batch could merge into."""
    passes = RecentPasses()
    window = timedelta(seconds=current_app.config["MERGE_WINDOW_SECONDS"])
    if not window:
        return passes
    moments = [a.read["captured_at"] for a in arrivals]
    rows = db.session.scalars(
        select(PlateEvent).where(
            PlateEvent.gate_id.in_({a.gate.id for a in arrivals}),
            PlateEvent.captured_at >= min(moments) - window,
            PlateEvent.captured_at <= max(moments) + window,
        )
    )
    for plate_event in rows:
        passes.add(plate_event, plate_event.gate_id, plate_event.direction.value)
    return passes


def _colour(read: dict) -> PlateColour | None:
    return PlateColour(read["plate_color"]) if read["plate_color"] else None


def _read_fields(read: dict, plate: str) -> dict:
    return {
        "plate_raw": read["plate"],
        "plate": plate,
        "plate_color": _colour(read),
        "confidence": read["confidence"],
        "lane": read.get("lane"),
        "vehicle_type": read.get("vehicle_type"),
    }


def _judge(plate_event: PlateEvent, gate: Gate, facts: Facts, children: ChildRows) -> None:
    """(Re)compute the pass's verdict and its open violations from the best read."""
    colour = plate_event.plate_color.value if plate_event.plate_color else None
    check = check_read(plate_event.plate_raw, colour, gate.firm, plate_event.captured_at, facts)
    plate_event.vehicle = check.vehicle
    verdict = plate_event.verdict or Verdict(plate_event=plate_event)
    result = check.verdict
    verdict.decision = Decision(result.decision)
    verdict.findings = [f.as_dict() for f in result.findings]
    verdict.policy_ids = list(result.policy_ids)
    verdict.stage_inferred = result.stage_inferred
    verdict.emission_stage = result.stage
    verdict.alert_id = result.alert_ids[0] if result.alert_ids else None
    db.session.add(verdict)
    _raise_violations(plate_event, gate, check, children)


def _raise_violations(plate_event: PlateEvent, gate: Gate, check: Check, children: ChildRows) -> None:
    children.drop(Violation, plate_event)  # re-judged after a better read: its open violations go
    if plate_event.id is not None:
        db.session.execute(
            delete(Violation).where(Violation.plate_event_id == plate_event.id, Violation.status == "open")
        )
    findings = [f for f in check.verdict.findings if f.severity in ("deny", "review")]
    if not findings:
        return
    context = _context(gate, check)
    for finding in findings:
        children.add(
            Violation,
            plate_event,
            {
                "rule": finding.rule,
                "severity": Severity(finding.severity),
                "status": ViolationStatus.OPEN,
                "context": context,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            },
        )


def _context(gate: Gate, check: Check) -> dict:
    """The vehicle and firm as they were at the moment of the pass, for the violation's record."""
    vehicle = check.vehicle
    vehicle_record = None
    if vehicle is not None:
        facts = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(vehicle_facts(vehicle)).items()}
        vehicle_record = {"id": vehicle.id, "vin": vehicle.vin, "owner": vehicle.owner} | facts
    return {
        "firm": {"id": gate.firm_id, "name": gate.firm.name} | vars(firm_facts(gate.firm)),
        "vehicle": vehicle_record,
        "gate": gate.code,
        "alert_ids": list(check.verdict.alert_ids),
        "policy_ids": list(check.verdict.policy_ids),
        "stage_inferred": check.verdict.stage_inferred,
        "suggestions": check.suggestions,
    }


def _store_images(plate_event: PlateEvent, images: dict[str, bytes], children: ChildRows) -> None:
    folder = Path(current_app.config["IMAGE_DIR"])
    for kind, data in images.items():
        checked = store_image(data, folder)
        children.add(
            PassImage,
            plate_event,
            {
                "kind": kind,
                "sha256": checked.sha256,
                "size": checked.size,
                "width": checked.width,
                "height": checked.height,
                "content_type": checked.content_type,
                "valid": checked.valid,
                "error": checked.error,
                "created_at": utcnow(),
            },
        )
