"""Frames received from terminals, written: resolve the VINs' terminals (their keys), build each frame's
records (registry.obd.records, pure), write them. Flushes; the caller commits, then answers.

A frame already kept (a resend, an overlapping offline backlog) is not written again and changes no
state; a frame older than its terminal's newest data is kept but leaves the state as it is. A VIN no one
registered gets a terminal row, flagged unregistered, its truck found by VIN where one is registered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from registry.common.statements import one_of, prebuilt, update_rows
from registry.common.time import LOCAL_TZ
from registry.events.models import DeadLetter
from registry.extensions import db
from registry.obd.alarms import changes
from registry.obd.models import ObdAlarm, ObdDay, ObdFrame, ObdTerminal
from registry.obd.protocol.frames import Frame, Rejected
from registry.obd.records import Keys, Outcome, build
from registry.obd.summary import DayPart
from registry.policies.services import PoliciesKept
from registry.vehicles.models import Vehicle

KEY = ("vin", "kind", "collected_at", "serial")
RULE = "OBD_MONITORING"


@dataclass(frozen=True)
class Received:
    """What a connection read: a frame or bytes the reader rejected, from whom, and when."""

    item: Frame | Rejected
    peer: str
    received_at: datetime


def store(batch: list[Received], now: datetime, layout: str = "auto", acknowledged: frozenset[int] = frozenset(),
          in_force: PoliciesKept | None = None):  # fmt: skip
    """Write the batch; each item's answer (None: none owed), in the batch's order. `in_force`: the
    policies kept across batches by a long-running process (the receiver's writer)."""
    frames = [r for r in batch if isinstance(r.item, Frame)]
    vins = {r.item.vin for r in frames}
    terminals = _terminals(vins)
    local = now.astimezone(LOCAL_TZ)
    policy = next((p for p in (in_force or PoliciesKept(0)).policies(local.date()) if p.rule == RULE), None)
    params = dict(policy.params) if policy is not None else {}
    outcomes: list[Outcome | None] = []
    for received in batch:
        if isinstance(received.item, Rejected):
            outcomes.append(None)
            continue
        known = terminals.get(received.item.vin)
        keys = Keys(known.public_key, known.chip_id) if known else Keys()
        outcomes.append(build(received.item, received.received_at, local, keys, layout, acknowledged, params))
    _dead_letters(batch, outcomes)
    inserted = _frames([o.row for o in outcomes if o is not None and o.row is not None and o.dead is None])
    kept = _first_of_each(outcomes, inserted)
    alarms = _open_alarms(vins)
    _terminal_states(batch, outcomes, terminals, kept, alarms, params, policy.id if policy else None)
    _days([o for o in outcomes if id(o) in kept and o.day is not None])
    db.session.flush()
    return [o.answer if o is not None and o.dead is None else None for o in outcomes]


@dataclass
class Known:
    """What the batch needs of a terminal, and what it changes (`changed`: written in one statement)."""

    id: int
    vin: str
    public_key: bytes | None
    chip_id: str | None
    last_collected_at: datetime | None
    last_received_at: datetime | None
    fault_codes: list | None
    last_fix_at: datetime | None
    changed: dict = field(default_factory=dict)

    def set(self, name: str, value) -> None:
        self.changed[name] = value
        if name in KNOWN:
            setattr(self, name, value)


KNOWN = ("public_key", "chip_id", "last_collected_at", "last_received_at", "fault_codes", "last_fix_at")


@prebuilt
def _terminals_of(dialect: str):
    t = ObdTerminal.__table__
    return select(t.c.id, t.c.vin, *(t.c[name] for name in KNOWN)).where(one_of(t.c.vin, "vins", dialect))


@prebuilt
def _days_of(dialect: str):
    """The trucks' days (each of the VINs' on each of the days: the caller keeps the pairs it asked for),
    read for update: receivers may run side by side."""
    table = ObdDay.__table__
    query = select(table.c.vin, table.c.day, *(table.c[name] for name in DayPart().as_row()))
    query = query.where(one_of(table.c.vin, "vins", dialect), one_of(table.c.day, "days", dialect))
    return query.with_for_update() if dialect == "postgresql" else query


@prebuilt
def _open_alarms_of(dialect: str):
    return select(ObdAlarm).where(one_of(ObdAlarm.vin, "vins", dialect), ObdAlarm.closed_at.is_(None))


def _terminals(vins: set[str]) -> dict[str, Known]:
    """The VINs' terminals, a new unregistered one for a VIN first seen (its truck found by VIN)."""
    if not vins:
        return {}
    t = ObdTerminal.__table__
    columns = [t.c.id, t.c.vin, *(t.c[name] for name in KNOWN)]
    found = {row.vin: Known(**row._mapping) for row in db.session.execute(_terminals_of(), {"vins": sorted(vins)})}
    missing = vins - found.keys()
    if missing:
        trucks = dict(db.session.execute(select(Vehicle.vin, Vehicle.id).where(Vehicle.vin.in_(missing))).all())
        new = [{"vin": vin, "vehicle_id": trucks.get(vin), "registered": False} for vin in sorted(missing)]
        for row in db.session.execute(insert(t).values(new).returning(*columns)):
            found[row.vin] = Known(**row._mapping)
    return found


@prebuilt
def _insert_frames(dialect: str):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the keys inserted: one statement, run for many rows
    (SQLAlchemy's insertmanyvalues batches them; a VALUES list of 500 rows cost 0.3 s to compile)."""
    table = ObdFrame.__table__
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(*(table.c[k] for k in KEY), sort_by_parameter_order=True)


def _frames(rows: list[dict]) -> set[tuple]:
    """Insert the frames not kept yet; the keys of those inserted now."""
    unique = list({tuple(row[k] for k in KEY): row for row in rows}.values())
    if not unique:
        return set()
    return {tuple(row) for row in db.session.connection().execute(_insert_frames(), unique)}


def _first_of_each(outcomes: list[Outcome | None], inserted: set[tuple]) -> set[int]:
    """The outcomes whose frames were kept now (by id): of a frame sent twice in one batch, the first."""
    kept, seen = set(), set()
    for outcome in outcomes:
        if outcome is None or outcome.row is None or outcome.dead is not None:
            continue
        key = tuple(outcome.row[k] for k in KEY)
        if key in inserted and key not in seen:
            seen.add(key)
            kept.add(id(outcome))
    return kept


def _dead_letters(batch: list[Received], outcomes: list[Outcome | None]) -> None:
    for received, outcome in zip(batch, outcomes, strict=True):
        item = received.item
        if isinstance(item, Rejected):
            vin, reason = item.vin, item.reason
        elif outcome is not None and outcome.dead is not None:
            vin, reason = item.vin, outcome.dead
        else:
            continue
        db.session.add(DeadLetter(source="obd", topic=f"obd/{vin or '-'} {received.peer}"[:300],
                                  payload=item.raw, error=reason, received_at=received.received_at))  # fmt: skip


def _days(outcomes: list[Outcome]) -> None:
    """Each kept frame's part added to its truck's day (read for update: receivers may run side by side)."""
    parts: dict[tuple[str, date], DayPart] = {}
    for outcome in outcomes:
        key = (outcome.row["vin"], outcome.day[0])
        parts[key] = parts[key].add(outcome.day[1]) if key in parts else outcome.day[1]
    if not parts:
        return
    table = ObdDay.__table__
    names = tuple(DayPart().as_row())
    asked = {"vins": sorted({vin for vin, _ in parts}), "days": sorted({day for _, day in parts})}
    found = {
        (row.vin, row.day): DayPart(**{n: getattr(row, n) for n in names})
        for row in db.session.execute(_days_of(), asked)
        if (row.vin, row.day) in parts
    }
    new, changed = [], []
    for (vin, day), part in sorted(parts.items()):
        if (vin, day) in found:
            changed.append({"vin": vin, "day": day, **found[(vin, day)].add(part).as_row()})
        else:
            new.append({"vin": vin, "day": day, **part.as_row()})
    if new:
        db.session.execute(insert(table), new)
    update_rows(table, ("vin", "day"), changed)


def _open_alarms(vins: set[str]) -> dict[str, dict[str, ObdAlarm]]:
    found: dict[str, dict[str, ObdAlarm]] = {}
    if vins:
        for alarm in db.session.scalars(_open_alarms_of(), {"vins": sorted(vins)}):
            found.setdefault(alarm.vin, {})[alarm.kind] = alarm
    return found


def _terminal_states(batch, outcomes, terminals: dict[str, Known], kept: set[int],
                     alarms: dict[str, dict[str, ObdAlarm]], params: dict, policy_id: int | None) -> None:  # fmt: skip
    """Each terminal's facts (login, activation) and, from frames kept now that are its newest data, its
    state and its alarms; written in one statement for the batch."""
    for received, outcome in zip(batch, outcomes, strict=True):
        if outcome is None or outcome.dead is not None:
            continue
        terminal = terminals[received.item.vin]
        for name, value in outcome.terminal.items():
            terminal.set(name, value)
        terminal.set("last_received_at", max(filter(None, (terminal.last_received_at, received.received_at))))
        if id(outcome) not in kept:
            continue
        newest = terminal.last_collected_at
        latest = outcome.reading is not None and (newest is None or outcome.reading.at >= newest)
        if outcome.reading is not None and (latest or outcome.reading.tamper):
            own = alarms.setdefault(terminal.vin, {})
            previous = tuple(terminal.fault_codes) if terminal.fault_codes is not None else None
            for change in changes(set(own), outcome.reading, previous, terminal.last_fix_at, params):
                _apply(own, terminal.vin, change, outcome.reading, policy_id)
        if outcome.state is not None and (newest is None or outcome.state["last_collected_at"] >= newest):
            for name, value in outcome.state.items():
                terminal.set(name, value)
    update_rows(ObdTerminal.__table__, ("id",), [{"id": t.id, **t.changed} for t in terminals.values() if t.changed])


EVIDENCE = 10  # frames an alarm names: the first and the latest nine


def _apply(own: dict[str, ObdAlarm], vin: str, change, reading, policy_id: int | None) -> None:
    evidence = {"collected_at": reading.frame[0], "serial": reading.frame[1]}
    if change.action == "open":
        own[change.kind] = alarm = ObdAlarm(
            vin=vin, kind=change.kind, opened_at=reading.at, last_seen_at=reading.at, value=change.value,
            threshold=change.threshold, detail=change.detail or None, evidence=[evidence], policy_id=policy_id,
        )  # fmt: skip
        db.session.add(alarm)
        return
    alarm = own.get(change.kind)
    if alarm is None:
        return
    if change.action == "close":
        alarm.closed_at = reading.at
        del own[change.kind]
        return
    alarm.last_seen_at = max(alarm.last_seen_at, reading.at)
    alarm.evidence = [*alarm.evidence[:1], *alarm.evidence[1:][-(EVIDENCE - 2) :], evidence]
    if change.value is not None and (alarm.value is None or _worse(change.kind, change.value, alarm.value)):
        alarm.value = change.value
    if change.detail:
        alarm.detail = change.detail


def _worse(kind: str, value: float, before: float) -> bool:
    """The alarm keeps its worst value: the lowest urea or efficiency, the highest of the rest."""
    return value < before if kind in ("urea_low", "urea_empty", "scr_low") else value > before
