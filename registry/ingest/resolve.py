"""Stage 2, resolve: what each read of the batch is to the ledger.

- a resend: its (gate, event id) is stored already (or came earlier in the batch): it creates nothing
  and answers with its pass;
- a read of the same vehicle at the same gate and direction within the merge window as a pass (stored,
  or made by this batch), the plate as read or one look-alike character away: it joins that pass, which
  keeps the best-confidence read and counts the reads; a better read has the pass judged again;
- otherwise a new pass. A read without a plate (无牌车) never merges: nothing says two are one vehicle.

Stored passes come back as plain rows (PassRow), looked up by the batch's gates, plates (look-alikes
included) and the spans of time within the merge window of its reads, never every pass of a time range
(a camera's backlog spanning days stays a look-up of a few passes per plate)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import String, and_, bindparam, or_, select, type_coerce

from registry.common.statements import one_of, prebuilt
from registry.events.models import PlateEvent, PlateRead, Verdict
from registry.extensions import db
from registry.identifiers.plates import lookalike_plates, normalise_plate
from registry.ingest.passes import (
    CREATED,
    DUPLICATE,
    MERGED,
    Arrival,
    Outcome,
    PassRow,
    Resolved,
    VerdictRow,
    read_fields,
)

PASSES, VERDICTS, READS = PlateEvent.__table__, Verdict.__table__, PlateRead.__table__
VERDICT_KEYS = ("decision", "findings", "policy_set_id", "stage_inferred", "emission_stage", "alert_id", "evaluated_at")


def resolve(arrivals: list[Arrival], window: timedelta, received: datetime) -> Resolved:
    """Each arrival's pass and outcome, in order (a read merges into passes of earlier reads too)."""
    resolved = Resolved()
    stored = _stored_reads(arrivals, resolved.stored)
    candidates = _Candidates(window)
    if window:
        for plate_event in _stored_passes(arrivals, window, resolved.stored):
            candidates.add(plate_event)
    for arrival in arrivals:
        read, gate_id = arrival.read, arrival.gate.id
        key = (gate_id, read["event_id"])
        if key in stored:
            resolved.outcomes.append(Outcome(arrival, stored[key], DUPLICATE))
            continue
        plate = normalise_plate(read["plate"]) if read["plate"] else ""
        plate_event = candidates.same_pass(gate_id, read, plate) if plate else None
        if plate_event is None:
            plate_event = _new_pass(arrival, plate, received)
            resolved.new.append(plate_event)
            candidates.add(plate_event)
            outcome = CREATED
        else:
            if (read["confidence"] or 0) > (plate_event.confidence or 0):
                for name, value in read_fields(read, plate).items():
                    setattr(plate_event, name, value)
                plate_event.judged, plate_event.best = True, arrival
                candidates.add(plate_event)  # findable by its new plate too
            outcome = MERGED
        plate_event.read_count += 1
        plate_event.reads_added += 1
        stored[key] = plate_event
        resolved.outcomes.append(Outcome(arrival, plate_event, outcome))
    return resolved


def _new_pass(arrival: Arrival, plate: str, received: datetime) -> PassRow:
    read = arrival.read
    return PassRow(
        gate_id=arrival.gate.id,
        event_id=read["event_id"],
        direction=read["direction"],
        captured_at=read["captured_at"],
        received_at=received,
        camera_time=read.get("camera_time"),
        time_source=read.get("time_source", "camera"),
        judged=True,
        best=arrival,
        **read_fields(read, plate),
    )


class _Candidates:
    """Passes reads could merge into, by (gate, direction, plate)."""

    def __init__(self, window: timedelta):
        self.window = window
        self.by_plate: defaultdict[tuple[int, str, str], list[PassRow]] = defaultdict(list)

    def add(self, plate_event: PassRow) -> None:
        if plate_event.plate:
            self.by_plate[(plate_event.gate_id, plate_event.direction, plate_event.plate)].append(plate_event)

    def same_pass(self, gate_id: int, read: dict, plate: str) -> PassRow | None:
        """The latest pass within the window of the same plate, or of one a look-alike away."""
        if not self.window:
            return None
        moment, direction = read["captured_at"], read["direction"]
        near = [
            candidate
            for alike in (plate, *lookalike_plates(plate))
            for candidate in self.by_plate.get((gate_id, direction, alike), ())
            if abs(candidate.captured_at - moment) <= self.window
        ]
        return max(near, key=lambda c: c.captured_at) if near else None


def _pass_columns():
    # codes as text (no enum objects), the verdict beside its pass
    text_of = {"plate_color", "direction"}
    passes = [type_coerce(c, String) if c.key in text_of else c for c in PASSES.columns]
    verdict = [type_coerce(VERDICTS.c.decision, String).label("v_decision")]
    verdict += [VERDICTS.c[key].label(f"v_{key}") for key in VERDICT_KEYS[1:]]
    return [*passes, *verdict]


def _with_verdict(source):
    return source.join(
        VERDICTS, and_(VERDICTS.c.plate_event_id == PASSES.c.id, VERDICTS.c.pass_at == PASSES.c.captured_at)
    )


def _row_of(row, known: dict[int, PassRow]) -> PassRow:
    """A stored pass as a PassRow; one object per pass however often the batch meets it."""
    plate_event = known.get(row.id)
    if plate_event is not None:
        return plate_event
    values_of = row._mapping
    columns = {c.key: values_of[c.key] for c in PASSES.columns}
    verdict = VerdictRow(**{key: values_of[f"v_{key}"] for key in VERDICT_KEYS})
    verdict.findings = verdict.findings or []
    plate_event = PassRow(**columns, verdict=verdict, stored=True)
    known[plate_event.id] = plate_event
    return plate_event


@prebuilt
def _reads_of(dialect: str):
    return select(READS.c.gate_id, READS.c.event_id, READS.c.plate_event_id, READS.c.pass_at).where(
        one_of(READS.c.gate_id, "gate_ids", dialect), one_of(READS.c.event_id, "event_ids", dialect)
    )


@prebuilt
def _passes_of(dialect: str):
    return (
        select(*_pass_columns())
        .select_from(_with_verdict(PASSES))
        .where(one_of(PASSES.c.id, "ids", dialect), one_of(PASSES.c.captured_at, "times", dialect))
    )


def _stored_reads(arrivals: list[Arrival], known: dict[int, PassRow]) -> dict:
    """Reads of this batch already stored (resent events), by (gate, event id), in any month: a camera may
    resend an event with its clock corrected (the unique key of plate_reads holds within a month). The
    read keys alone first (a batch seldom holds a resend); the passes of those found after."""
    wanted = {(a.gate.id, a.read["event_id"]) for a in arrivals}
    event_ids = sorted({event_id for _, event_id in wanted})
    gate_ids = sorted({gate_id for gate_id, _ in wanted})
    found: dict = {}
    for start in range(0, len(event_ids), 1000):
        parameters = {"gate_ids": gate_ids, "event_ids": event_ids[start : start + 1000]}
        for gate_id, event_id, pass_id, pass_at in db.session.execute(_reads_of(), parameters):
            if (gate_id, event_id) in wanted:
                found[(gate_id, event_id)] = (pass_id, pass_at)
    if not found:
        return {}
    keys = sorted(set(found.values()))
    parameters = {"ids": [pass_id for pass_id, _ in keys], "times": sorted({at for _, at in keys})}
    passes = {row.id: _row_of(row, known) for row in db.session.execute(_passes_of(), parameters)}
    return {key: passes[pass_id] for key, (pass_id, _) in found.items()}


MAX_SPANS = 32  # time spans in one look-up: a camera's backlog of days is merged down to this many


def spans(moments: list[datetime], window: timedelta, most: int = MAX_SPANS) -> list[tuple[datetime, datetime]]:
    """The times within the merge window of any of the moments, as few disjoint spans (at most `most`:
    the closest ones joined), so that a backlog spanning days is not looked up as one span of days."""
    merged: list[list[datetime]] = []
    for moment in sorted(moments):
        if merged and moment - window <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], moment + window)
        else:
            merged.append([moment - window, moment + window])
    while len(merged) > most:
        gap = min(range(len(merged) - 1), key=lambda i: merged[i + 1][0] - merged[i][1])
        merged[gap : gap + 2] = [[merged[gap][0], merged[gap + 1][1]]]
    return [(start, end) for start, end in merged]


@cache
def _passes_near(dialect: str, count: int):
    within = or_(*(PASSES.c.captured_at.between(bindparam(f"s{i}"), bindparam(f"e{i}")) for i in range(count)))
    return (
        select(*_pass_columns())
        .select_from(_with_verdict(PASSES))
        .where(one_of(PASSES.c.plate, "plates", dialect), one_of(PASSES.c.gate_id, "gate_ids", dialect), within)
    )


def _stored_passes(arrivals: list[Arrival], window: timedelta, known: dict[int, PassRow]) -> list[PassRow]:
    """The stored passes reads of this batch could merge into: their gates' passes of their plates and
    the plates a look-alike character away, within the merge window of the reads' times (the reads
    compare each with their own time afterwards)."""
    plated = [a for a in arrivals if a.read["plate"]]
    if not plated:
        return []
    plates = sorted(
        {
            alike
            for a in plated
            for plate in (normalise_plate(a.read["plate"]),)
            for alike in (plate, *lookalike_plates(plate))
        }
    )
    around = spans([a.read["captured_at"] for a in plated], window)
    parameters = {f"s{i}": start for i, (start, _) in enumerate(around)} | {
        f"e{i}": end for i, (_, end) in enumerate(around)
    }
    parameters["gate_ids"] = sorted({a.gate.id for a in plated})
    statement = _passes_near(db.session.get_bind().dialect.name, len(around))
    found: dict[int, PassRow] = {}
    for start in range(0, len(plates), 1000):
        for row in db.session.execute(statement, parameters | {"plates": plates[start : start + 1000]}):
            found[row.id] = _row_of(row, known)
    return list(found.values())
