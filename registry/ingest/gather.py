"""Stage 3, gather facts: everything the rules need for the passes a batch judges, in one round of
queries for the whole batch, as plain values (registry.ingest.facts, registry.rules' dataclasses):

- the vehicles of their plates (and of the plates one look-alike character away, for suggestions), and
  their remote emission terminals (newest data, open alarms), and their listing as suspected high emitters;
- at road checkpoints: the zones each enforces and the plates' permits (registry.ingest.roadside);
- the alerts in force over the batch's span and the plates' exemptions from them;
- the policies in force on each local day;
- for the cloned-plate check (CLONED_PLATE), only where its policy is in force: the plates' passes at
  gates with coordinates around the batch, and how often each plate was read in a colour, or as a
  vehicle, its registration contradicts;
- for stored passes judged again, their open findings and whether their case was reviewed (what the
  re-judgement takes back).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, String, and_, bindparam, column, func, select, values

from registry.alerts.models import Alert, Exemption
from registry.alerts.services import alert_facts
from registry.cases.models import Case
from registry.common.models import UTCDateTime
from registry.common.statements import one_of, prebuilt
from registry.common.time import local_date
from registry.emitters.models import HighEmitter
from registry.events.models import PlateEvent, Violation, ViolationStatus
from registry.extensions import db
from registry.gates.models import Gate
from registry.identifiers.plates import is_valid_plate, lookalike_plates
from registry.ingest import roadside
from registry.ingest.facts import Before, Facts, VehicleRow, cloned_policy
from registry.ingest.passes import GateInfo, PassRow
from registry.obd.models import ObdAlarm, ObdTerminal
from registry.policies.services import PoliciesKept
from registry.rules import EmitterFacts, PolicyBook, TerminalFacts, VehicleFacts
from registry.rules.cloned import contradicts_class
from registry.vehicles.models import Vehicle


class InForce(PoliciesKept):
    """The policies in force per local day, kept `seconds` across batches (registry.policies.services.
    PoliciesKept); alerts are looked up for every batch: one ended early must let the next truck
    through."""

    @staticmethod
    def alerts(first: datetime, last: datetime) -> list:
        """The alerts in force at some moment between first and last (any region; the engine checks it)."""
        rows = db.session.execute(_alerts_between(), {"first": first, "last": last})
        return [alert for alert in map(alert_facts, rows) if alert.starts_at <= last and alert.ends_at > first]


def gather(judged: list[PassRow], gates: dict[int, GateInfo], cache: InForce | None = None) -> Facts:
    """The facts for judging these passes (at these gates)."""
    facts = Facts()
    if not judged:
        return facts
    moments = [p.captured_at for p in judged]
    cache = cache or InForce(seconds=0)
    facts.policies = {day: cache.policies(day) for day in {local_date(m) for m in moments}}
    facts.books = {day: PolicyBook(day, policies) for day, policies in facts.policies.items()}
    plates = {p.plate for p in judged if p.plate and is_valid_plate(p.plate)}
    _vehicles(facts, plates | {alike for plate in plates for alike in lookalike_plates(plate)})
    _terminals(facts, [facts.vehicles[p].id for p in plates if facts.vehicles.get(p) is not None])
    checkpoints = sorted({p.gate_id for p in judged if gates[p.gate_id].is_checkpoint})
    if checkpoints:
        facts.zones = roadside.zones_at(checkpoints)
        days = [local_date(m) for m in moments]
        facts.permits = roadside.permits_of(sorted(plates), min(days), max(days))
    _alerts(facts, cache.alerts(min(moments), max(moments)), plates)
    _cloned_plate_facts(facts, judged, gates)
    _before(facts, [p for p in judged if p.stored])
    return facts


def vehicle_facts(vehicle) -> VehicleFacts:
    """A Vehicle row as the rules see it."""
    return VehicleFacts(
        vehicle.plate,
        getattr(vehicle.plate_color, "value", vehicle.plate_color),
        getattr(vehicle.emission_stage, "value", vehicle.emission_stage),
        getattr(vehicle.fuel_type, "value", vehicle.fuel_type),
        getattr(vehicle.vehicle_class, "value", vehicle.vehicle_class),
        vehicle.registration_date,
    )


@prebuilt
def _vehicles_of(dialect: str):
    """The registered vehicles, each with its listing as a suspected high emitter if it has one open (the
    rules ask about registered trucks only: one statement, no round trip of its own)."""
    v, listed = Vehicle.__table__, HighEmitter.__table__
    return (
        select(
            v.c.id, v.c.plate, v.c.vin, v.c.owner, v.c.plate_color, v.c.emission_stage, v.c.fuel_type,
            v.c.vehicle_class, v.c.registration_date, listed.c.listed_at, listed.c.reasons,
        )
        .outerjoin(listed, (listed.c.plate == v.c.plate) & listed.c.cleared_at.is_(None))
        .where(one_of(v.c.plate, "plates", dialect))
    )  # fmt: skip


def _vehicles(facts: Facts, plates: set[str]) -> None:
    wanted = sorted(plates)
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        for row in db.session.execute(_vehicles_of(), {"plates": chunk}):
            facts.vehicles[row.plate] = VehicleRow(row.id, row.vin, row.owner, vehicle_facts(row))
            if row.listed_at is not None:
                facts.emitters[row.plate] = EmitterFacts(row.listed_at, tuple(row.reasons or ()))


@prebuilt
def _terminals_of(dialect: str):
    """The vehicles' terminals: their newest data, and each open alarm's kind (one row a kind)."""
    t = ObdTerminal.__table__
    return (
        select(t.c.vehicle_id, t.c.last_collected_at, ObdAlarm.kind)
        .outerjoin(ObdAlarm, (ObdAlarm.vin == t.c.vin) & ObdAlarm.closed_at.is_(None))
        .where(one_of(t.c.vehicle_id, "vehicles", dialect))
    )


def _terminals(facts: Facts, vehicle_ids: list[int]) -> None:
    """Each vehicle's remote emission terminal, for OBD_MONITORING (a vehicle none is heard from has none)."""
    found: dict[int, tuple] = {}
    for start in range(0, len(vehicle_ids), 1000):
        for vehicle_id, last, kind in db.session.execute(
            _terminals_of(), {"vehicles": vehicle_ids[start : start + 1000]}
        ):
            newest, kinds = found.get(vehicle_id, (None, ()))
            newest = max(filter(None, (newest, last)), default=None)
            found[vehicle_id] = (newest, (*kinds, kind) if kind else kinds)
    facts.terminals = {
        vehicle_id: TerminalFacts(last, tuple(sorted(kinds))) for vehicle_id, (last, kinds) in found.items()
    }


@prebuilt
def _alerts_between(_dialect: str):
    columns = (Alert.id, Alert.level, Alert.region, Alert.starts_at, Alert.ends_at, Alert.ended_early_at)
    return select(*columns).where(
        Alert.starts_at <= bindparam("last"), Alert.ends_at > bindparam("first"), Alert.withdrawn_at.is_(None)
    )


@prebuilt
def _exemptions_of(dialect: str):
    return select(Exemption.plate, Exemption.alert_id).where(
        one_of(Exemption.plate, "plates", dialect), one_of(Exemption.alert_id, "alert_ids", dialect)
    )


def _alerts(facts: Facts, alerts: list, plates: set[str]) -> None:
    facts.alerts = alerts
    if not facts.alerts or not plates:
        return
    exemptions = defaultdict(set)
    parameters = {"plates": sorted(plates), "alert_ids": [a.id for a in facts.alerts]}
    for plate, alert_id in db.session.execute(_exemptions_of(), parameters):
        exemptions[plate].add(alert_id)
    facts.exemptions = dict(exemptions)


def _cloned_plate_facts(facts: Facts, judged: list[PassRow], gates: dict[int, GateInfo]) -> None:
    """What the cloned-plate check compares each pass with, where its policy is in force that day."""
    placed_plates, windows, colours, types = set(), [], [], []
    for plate_event in judged:
        policy = cloned_policy(facts.policies[local_date(plate_event.captured_at)])
        if policy is None or not plate_event.plate or not is_valid_plate(plate_event.plate):
            continue
        params, at, gate = policy.params, plate_event.captured_at, gates[plate_event.gate_id]
        vehicle = facts.vehicles.get(plate_event.plate)
        registered = vehicle.facts if vehicle is not None else None
        if gate.latitude is not None and gate.longitude is not None:
            placed_plates.add(plate_event.plate)
            hours = timedelta(hours=params.get("window_hours", 6))
            windows.append((at - hours, at + hours))
        colour = plate_event.plate_color
        if registered is not None and colour is not None and colour != registered.plate_color:
            days = timedelta(days=params.get("colour_window_days", 30))
            colours.append(
                (id(plate_event), plate_event.plate, at - days, at, plate_event.id or -1, registered.plate_color)
            )
        if contradicts_class(plate_event.vehicle_type, registered, params):
            days = timedelta(days=params.get("type_window_days", 30))
            types.append((id(plate_event), plate_event.plate, at - days, at, plate_event.id or -1, params))
    if placed_plates:
        start, end = min(w[0] for w in windows), max(w[1] for w in windows)
        for row in db.session.execute(_placed_passes(), {"plates": sorted(placed_plates), "start": start, "end": end}):
            facts.placed.setdefault(row[1], []).append(tuple(row))
    if colours:
        facts.colour_contradictions = _colour_counts(colours)
    if types:
        facts.type_contradictions = _type_counts(types)


@prebuilt
def _placed_passes(dialect: str):
    pe = PlateEvent.__table__
    return (
        select(
            pe.c.id, pe.c.plate, pe.c.gate_id, pe.c.captured_at, Gate.name, Gate.latitude, Gate.longitude, Gate.firm_id
        )
        .join(Gate, Gate.id == pe.c.gate_id)
        .where(
            one_of(pe.c.plate, "plates", dialect),
            pe.c.captured_at >= bindparam("start"),
            pe.c.captured_at <= bindparam("end"),
            Gate.latitude.is_not(None),
            Gate.longitude.is_not(None),
        )
    )


def _windows(rows: list[tuple], extra: tuple = ()):
    """A VALUES table of (key, plate, since, until, the pass's own id, ...): one statement for all."""
    names = (
        column("k", BigInteger),
        column("plate", String),
        column("since", UTCDateTime()),
        column("until", UTCDateTime()),
        column("own", BigInteger),
        *extra,
    )
    return values(*names, name="w").data(rows).cte("w")  # SQLite names VALUES' columns in a CTE only


def _earlier(windows):
    pe = PlateEvent.__table__
    return and_(
        pe.c.plate == windows.c.plate,
        pe.c.captured_at >= windows.c.since,
        pe.c.captured_at <= windows.c.until,
        pe.c.id != windows.c.own,
    )


def _colour_counts(rows: list[tuple]) -> dict[int, int]:
    """Earlier passes of each plate read in a colour its registration contradicts."""
    pe = PlateEvent.__table__
    windows = _windows(rows, (column("registered", String),))
    query = (
        select(windows.c.k, func.count())
        .select_from(windows.join(pe, _earlier(windows)))
        .where(pe.c.plate_color.is_not(None), pe.c.plate_color != windows.c.registered)
        .group_by(windows.c.k)
    )
    return dict(db.session.execute(query).all())


def _type_counts(rows: list[tuple]) -> dict[int, int]:
    """Earlier passes of each plate the camera called a vehicle that is not a truck (counted per word the
    cameras used, a handful, and the words compared as the rule does)."""
    from registry.rules.cloned import not_a_truck

    pe = PlateEvent.__table__
    params = {key: p for key, *_rest, p in rows}
    windows = _windows([row[:-1] for row in rows])
    query = (
        select(windows.c.k, pe.c.vehicle_type, func.count())
        .select_from(windows.join(pe, _earlier(windows)))
        .where(pe.c.vehicle_type.is_not(None))
        .group_by(windows.c.k, pe.c.vehicle_type)
    )
    counts: dict[int, int] = defaultdict(int)
    for key, word, count in db.session.execute(query):
        if not_a_truck(word, params[key]):
            counts[key] += count
    return dict(counts)


@prebuilt
def _open_violations(dialect: str):
    v = Violation.__table__
    return select(
        v.c.plate_event_id, v.c.captured_at, v.c.gate_id, v.c.firm_id, v.c.rule, v.c.alert_level
    ).where(
        one_of(v.c.plate_event_id, "ids", dialect),
        v.c.captured_at >= bindparam("first"),
        v.c.captured_at <= bindparam("last"),
        v.c.status == ViolationStatus.OPEN.value,
    )  # fmt: skip


@prebuilt
def _case_statuses(dialect: str):
    c = Case.__table__
    return select(c.c.plate_event_id, c.c.status).where(
        one_of(c.c.plate_event_id, "ids", dialect),
        c.c.captured_at >= bindparam("first"),
        c.c.captured_at <= bindparam("last"),
    )


def _before(facts: Facts, stored: list[PassRow]) -> None:
    """Stored passes judged again: their decision, open violations and case, as they stand (locked on
    PostgreSQL, so that a review between this look and the batch's commit cannot be counted wrongly)."""
    if not stored:
        return
    parameters = {
        "ids": sorted(p.id for p in stored),
        "first": min(p.captured_at for p in stored),
        "last": max(p.captured_at for p in stored),
    }
    postgres = db.session.get_bind().dialect.name == "postgresql"
    violations = _open_violations()
    opened = defaultdict(list)
    for row in db.session.execute(violations.with_for_update() if postgres else violations, parameters):
        opened[row[0]].append(tuple(row[1:]))
    reviewed = {
        pass_id
        for pass_id, status in db.session.execute(_case_statuses(), parameters)
        if getattr(status, "value", status) != ViolationStatus.OPEN.value
    }
    for plate_event in stored:
        facts.before[plate_event.id] = Before(
            plate_event.verdict.decision, tuple(opened.get(plate_event.id, ())), plate_event.id in reviewed
        )
