"""Gate ingest: one service for every transport. A read becomes a pass with its verdict, once.

- idempotent on (gate, event_id): a resent event returns the stored pass and creates nothing;
- one pass, one record: reads of the same vehicle at the same gate and direction within the merge
  window, including reads one look-alike character apart, merge into one pass that keeps the
  best-confidence read and counts the reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from registry.compliance.services import Check, check_read
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
)
from registry.extensions import db
from registry.gates.models import Gate
from registry.identifiers.plates import PlateColour, normalise_plate, plates_confusable


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
    """Store one validated read (GateEventSchema) from `gate`; flushes once, never commits."""
    stored = db.session.scalar(
        select(PlateRead).where(PlateRead.gate_id == gate.id, PlateRead.event_id == read["event_id"])
    )
    if stored is not None:
        return Ingested(stored.plate_event, read["event_id"], "duplicate")
    _serialise_per_gate(gate)
    plate = normalise_plate(read["plate"])
    with db.session.no_autoflush:  # look everything up first, then write it all in one flush
        plate_event = _same_pass(gate, read, plate)
        if plate_event is None:
            plate_event = PlateEvent(
                gate=gate,
                event_id=read["event_id"],
                direction=Direction(read["direction"]),
                captured_at=read["captured_at"],
                read_count=0,
                **_read_fields(read, plate),
            )
            _judge(plate_event, gate)
            outcome = "created"
        else:
            if (read["confidence"] or 0) > (plate_event.confidence or 0):
                for key, value in _read_fields(read, plate).items():
                    setattr(plate_event, key, value)
                _judge(plate_event, gate)
            outcome = "merged"
        plate_event.read_count += 1
        db.session.add(plate_event)
        db.session.add(
            PlateRead(
                plate_event=plate_event,
                gate_id=gate.id,
                event_id=read["event_id"],
                plate_raw=read["plate"],
                plate_color=_colour(read),
                confidence=read["confidence"],
                captured_at=read["captured_at"],
                source=source,
            )
        )
        _store_images(plate_event, read.get("images") or {})
    db.session.flush()
    return Ingested(plate_event, read["event_id"], outcome)


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


def _serialise_per_gate(gate: Gate) -> None:
    """Two workers merging reads of one gate must not both create the pass: lock the gate row."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Gate.id).where(Gate.id == gate.id).with_for_update())


def _same_pass(gate: Gate, read: dict, plate: str) -> PlateEvent | None:
    window = timedelta(seconds=current_app.config["MERGE_WINDOW_SECONDS"])
    if not window:
        return None
    moment = read["captured_at"]
    candidates = db.session.scalars(
        select(PlateEvent)
        .where(
            PlateEvent.gate_id == gate.id,
            PlateEvent.direction == read["direction"],
            PlateEvent.captured_at >= moment - window,
            PlateEvent.captured_at <= moment + window,
        )
        .order_by(PlateEvent.captured_at.desc())
        .limit(20)
    )
    for candidate in candidates:
        if candidate.plate == plate or plates_confusable(candidate.plate, plate):
            return candidate
    return None


def _judge(plate_event: PlateEvent, gate: Gate) -> None:
    """(Re)compute the pass's verdict and its open violations from the best read."""
    colour = plate_event.plate_color.value if plate_event.plate_color else None
    check = check_read(plate_event.plate_raw, colour, gate.firm, plate_event.captured_at)
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
    _raise_violations(plate_event, gate, check)


def _raise_violations(plate_event: PlateEvent, gate: Gate, check: Check) -> None:
    if plate_event.id is not None:
        for old in db.session.scalars(
            select(Violation).where(Violation.plate_event_id == plate_event.id, Violation.status == "open")
        ):
            db.session.delete(old)
    context = _context(gate, check)
    for finding in check.verdict.findings:
        if finding.severity in ("deny", "review"):
            db.session.add(
                Violation(
                    plate_event=plate_event,
                    rule=finding.rule,
                    severity=Severity(finding.severity),
                    context=context,
                )
            )


def _context(gate: Gate, check: Check) -> dict:
    """The vehicle and firm as they were at the moment of the pass, for the violation's record."""
    from registry.compliance.services import firm_facts, vehicle_facts

    vehicle = check.vehicle
    return {
        "firm": {"id": gate.firm_id, "name": gate.firm.name} | vars(firm_facts(gate.firm)),
        "vehicle": (
            {"id": vehicle.id, "vin": vehicle.vin, "owner": vehicle.owner}
            | {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(vehicle_facts(vehicle)).items()}
            if vehicle
            else None
        ),
        "gate": gate.code,
        "alert_ids": list(check.verdict.alert_ids),
        "policy_ids": list(check.verdict.policy_ids),
        "stage_inferred": check.verdict.stage_inferred,
        "suggestions": check.suggestions,
    }


def _store_images(plate_event: PlateEvent, images: dict[str, bytes]) -> None:
    folder = Path(current_app.config["IMAGE_DIR"])
    for kind, data in images.items():
        checked = store_image(data, folder)
        db.session.add(
            PassImage(
                plate_event=plate_event,
                kind=kind,
                sha256=checked.sha256,
                size=checked.size,
                width=checked.width,
                height=checked.height,
                content_type=checked.content_type,
                valid=checked.valid,
                error=checked.error,
            )
        )
