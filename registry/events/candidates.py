"""Looking up a batch's earlier reads (resends) and the passes its reads could merge into."""

from collections import defaultdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from registry.common.statements import one_of, prebuilt
from registry.events.models import PlateEvent, PlateRead
from registry.extensions import db
from registry.identifiers.plates import lookalike_plates


@prebuilt
def _reads_of(dialect: str):
    return select(PlateRead.gate_id, PlateRead.event_id, PlateRead.plate_event_id).where(
        one_of(PlateRead.gate_id, "gate_ids", dialect), one_of(PlateRead.event_id, "event_ids", dialect)
    )


@prebuilt
def _passes_with_verdicts(dialect: str):
    return _with_verdicts(one_of(PlateEvent.id, "ids", dialect))


@prebuilt
def _passes_near(dialect: str):
    return _with_verdicts(
        one_of(PlateEvent.gate_id, "gate_ids", dialect),
        PlateEvent.captured_at >= bindparam("since"),
        PlateEvent.captured_at <= bindparam("until"),
    )


def _with_verdicts(*conditions):
    # a read answers with its pass's verdict: load them together, not one by one
    return select(PlateEvent).where(*conditions).options(selectinload(PlateEvent.verdict))


def stored_reads(arrivals: list) -> dict[tuple[int, str], PlateEvent]:
    """Reads of this batch already stored (resent events), by (gate, event id)."""
    wanted = {(a.gate.id, a.read["event_id"]) for a in arrivals}
    event_ids = sorted({event_id for _, event_id in wanted})
    gate_ids = sorted({gate_id for gate_id, _ in wanted})
    found = {}
    for start in range(0, len(event_ids), 1000):
        rows = db.session.execute(_reads_of(), {"gate_ids": gate_ids, "event_ids": event_ids[start : start + 1000]})
        found.update({(g, e): pass_id for g, e, pass_id in rows if (g, e) in wanted})
    if not found:
        return {}
    passes = {p.id: p for p in db.session.scalars(_passes_with_verdicts(), {"ids": sorted(set(found.values()))})}
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


def recent_passes(arrivals: list) -> RecentPasses:
    """The stored passes reads of this batch could merge into."""
    passes = RecentPasses()
    window = timedelta(seconds=current_app.config["MERGE_WINDOW_SECONDS"])
    if not window:
        return passes
    moments = [a.read["captured_at"] for a in arrivals]
    rows = db.session.scalars(
        _passes_near(),
        {
            "gate_ids": sorted({a.gate.id for a in arrivals}),
            "since": min(moments) - window,
            "until": max(moments) + window,
        },
    )
    for plate_event in rows:
        passes.add(plate_event, plate_event.gate_id, plate_event.direction.value)
    return passes
