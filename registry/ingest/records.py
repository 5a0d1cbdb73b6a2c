"""Stage 5, records (pure: no database): what the batch writes, as plain rows.

Each pass judged by the batch carries its verdict; a finding that denies or asks for review, and each
question for a person, is a violation. What rides on a decided pass besides is a RIDER: a pure function
`(decided, its violations' findings) -> [(table, row)]` of the feature it belongs to (the pass's case,
its outbox row); a new record type that rides on a pass is one more function in RIDERS. Every accepted
read is a `plate_reads` row with its pictures. The daily counts follow the passes and violations
written and taken back."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from registry.cases.rows import case_rows
from registry.ingest.decide import Decided
from registry.ingest.passes import Outcome, PassRow, Resolved, VerdictRow
from registry.ingest.pictures import image_row, measured_colour, reference_row
from registry.policies.set_ids import set_id_of
from registry.statistics.counting import DailyCounts
from registry.uplink.rows import outbox_rows

RIDERS = (case_rows, outbox_rows)


@dataclass
class Rows:
    """Everything a batch writes."""

    new_passes: list[PassRow] = field(default_factory=list)  # with their verdicts
    # rows hanging off a pass, by table, in order: the writer adds the pass's id (and its time)
    children: defaultdict[str, list[tuple[PassRow, dict]]] = field(default_factory=lambda: defaultdict(list))
    changed_passes: list[PassRow] = field(default_factory=list)  # stored passes reads joined
    rejudged: list[PassRow] = field(default_factory=list)  # stored passes judged again: verdict updated
    daily: DailyCounts = field(default_factory=DailyCounts)
    last_passes: list[tuple] = field(default_factory=list)  # (time of receipt, camera's wrong clock, gate id)


def build(resolved: Resolved, decided: list[Decided], received: datetime) -> Rows:
    """The rows of a batch received at `received` (the time its rows are created at)."""
    rows = Rows(new_passes=list(resolved.new))
    seen: dict[int, dict] = {}  # a vehicle's or a firm's facts as a violation's context keeps them
    for one in decided:
        _decided_rows(rows, one, received, seen)
    for outcome in resolved.accepted:
        _read_rows(rows, outcome, received)
    rows.changed_passes = resolved.merged
    rows.rejudged = [one.plate_event for one in decided if one.plate_event.stored]
    last = {o.arrival.gate.id: o.arrival.read.get("camera_time") for o in resolved.outcomes}
    rows.last_passes = [(received, camera_time, gate_id) for gate_id, camera_time in sorted(last.items())]
    return rows


def _decided_rows(rows: Rows, decided: Decided, now: datetime, seen: dict[int, dict]) -> None:
    plate_event, gate, verdict = decided.plate_event, decided.gate, decided.verdict
    plate_event.verdict = VerdictRow(
        decision=verdict.decision,
        findings=[f.as_dict() for f in verdict.findings],
        policy_set_id=set_id_of(verdict.policy_ids),
        stage_inferred=verdict.stage_inferred,
        emission_stage=verdict.stage,
        alert_id=verdict.alert_ids[0] if verdict.alert_ids else None,
        evaluated_at=now,
    )
    plate_event.vehicle_id = decided.vehicle.id if decided.vehicle is not None else None
    measured = measured_colour(plate_event.plate_color, decided.measured)
    if measured is not None:
        plate_event.measured_colour, plate_event.colour_disagrees = measured
    before = decided.before
    if before is not None:  # its old decision and open violations are taken back
        rows.daily.pass_counted(plate_event.captured_at, gate.id, before.decision, gate.firm_id, -1)
        for captured_at, gate_id, firm_id, rule, level in before.open_violations:
            rows.daily.violation_counted(captured_at, gate_id, firm_id, rule, level, -1)
    rows.daily.pass_counted(plate_event.captured_at, gate.id, verdict.decision, gate.firm_id)
    findings = [f for f in verdict.findings if f.severity in ("deny", "review")] + list(verdict.questions)
    context = _context(decided, seen) if findings else None
    for finding in findings:
        level = decided.alert_levels.get(finding.alert_id)
        rows.children["violations"].append(
            (
                plate_event,
                {
                    "rule": finding.rule,
                    "captured_at": plate_event.captured_at,
                    "gate_id": gate.id,
                    "firm_id": gate.firm_id,
                    "plate": plate_event.plate,
                    "alert_id": finding.alert_id,
                    "alert_level": level,
                    "severity": finding.severity,
                    "status": "open",
                    # a question is not among the verdict's findings: its violation carries it
                    "context": context | {"finding": finding.as_dict()} if finding in verdict.questions else context,
                    "created_at": now,
                    "updated_at": now,
                },
            )
        )
        rows.daily.violation_counted(plate_event.captured_at, gate.id, gate.firm_id, finding.rule, level)
    for rider in RIDERS:
        for table, row in rider(decided, findings, now):
            rows.children[table].append((plate_event, row))


def _read_rows(rows: Rows, outcome: Outcome, received: datetime) -> None:
    arrival, plate_event = outcome.arrival, outcome.plate_event
    read = arrival.read
    rows.children["plate_reads"].append(
        (
            plate_event,
            {
                "gate_id": arrival.gate.id,
                "event_id": read["event_id"],
                "plate_raw": read["plate"] or "",
                "plate_sent": read.get("plate_sent"),
                "device": read.get("device"),
                "sequence": read.get("sequence"),
                "backlog": bool(read.get("backlog")),
                "plate_color": read["plate_color"] or None,
                "confidence": read["confidence"],
                "captured_at": read["captured_at"],
                "received_at": received,
                "source": arrival.source,
            },
        )
    )
    for picture in outcome.pictures:
        rows.children["pass_images"].append((plate_event, image_row(picture)))
    for kind, reference in (read.get("picture_refs") or {}).items():
        rows.children["pass_images"].append((plate_event, reference_row(kind, reference)))


def _context(decided: Decided, seen: dict[int, dict]) -> dict:
    """The vehicle and firm as they were at the moment of the pass, for the violation's record."""
    vehicle, gate, verdict = decided.vehicle, decided.gate, decided.verdict
    record = None
    if vehicle is not None:
        record = seen.get(id(vehicle))
        if record is None:
            facts = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in _fields(vehicle.facts).items()}
            record = seen[id(vehicle)] = {"id": vehicle.id, "vin": vehicle.vin, "owner": vehicle.owner} | facts
    firm = seen.get(id(gate))
    if firm is None:
        firm = seen[id(gate)] = (
            {"id": gate.firm_id, "name": gate.firm_name} | _fields(gate.firm) if gate.firm is not None else None
        )
    return {
        "firm": firm,
        "vehicle": record,
        "gate": gate.code,
        "alert_ids": list(verdict.alert_ids),
        "policy_ids": list(verdict.policy_ids),
        "stage_inferred": verdict.stage_inferred,
        "suggestions": decided.suggestions,
    }


def _fields(record) -> dict:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}
