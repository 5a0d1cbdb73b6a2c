"""Stage 4, decide (pure: no database, no files): each pass the batch judges gets its verdict from the
rules engine over the gathered facts, with the cloned-plate signs and, only where a decision may rest
on it, its picture measured (the quality before a deny; the colour where a bureau lets the picture's
colour overrule the camera's). What the pass carries is left to the records stage."""

from __future__ import annotations

from dataclasses import dataclass

from registry.common.time import local_date
from registry.identifiers.plates import is_valid_plate
from registry.ingest.facts import Before, Facts, VehicleRow, cloned_policy
from registry.ingest.passes import GateInfo, PassRow
from registry.ingest.pictures import measure, picture_facts
from registry.rules import Policy, Read, Verdict, evaluate, evaluate_checkpoint
from registry.rules.cloned import contradicts_class, sightings_of
from registry.rules.facts import Place
from registry.rules.picture_colour import overrules_camera


@dataclass(slots=True, eq=False)
class Decided:
    """A pass with its verdict and what the verdict rests on."""

    plate_event: PassRow
    gate: GateInfo
    verdict: Verdict
    vehicle: VehicleRow | None
    suggestions: list[str]  # registered look-alike plates of an unregistered one
    alert_levels: dict[int, str]  # the level of each alert in force at the pass
    before: Before | None  # a stored pass judged again: what it was
    measured: object = None  # the picture's Analysis, when it was measured here


def decide_all(judged: list[PassRow], gates: dict[int, GateInfo], facts: Facts) -> list[Decided]:
    return [decide(plate_event, gates[plate_event.gate_id], facts) for plate_event in judged]


def decide(plate_event: PassRow, gate: GateInfo, facts: Facts) -> Decided:
    """The verdict for a pass from its best read."""
    plate, at = plate_event.plate, plate_event.captured_at
    valid = bool(plate) and is_valid_plate(plate)
    vehicle = facts.vehicle(plate) if valid else None
    registered = vehicle.facts if vehicle is not None else None
    alerts = facts.alerts_at(at)
    levels = {a.id: a.level for a in alerts}
    before = facts.before.get(plate_event.id) if plate_event.stored else None
    day = local_date(at)
    policies, book = facts.policies_on(day), facts.books[day]
    read = Read(plate_event.plate_raw, plate_event.plate_color, at, None, plate_event.vehicle_type)
    if gate.is_checkpoint:  # a road checkpoint: the zones it enforces, and the plate's permits
        permits = facts.permits.get(plate, []) if valid else []
        verdict = evaluate_checkpoint(read, registered, facts.zones.get(gate.id, []), permits, alerts, book)
        return Decided(plate_event, gate, verdict, vehicle, [], levels, before)
    exempted = facts.exempted(plate, alerts) if valid else frozenset()
    sightings = _sightings(plate_event, gate, registered, policies, facts) if valid else None
    terminal = facts.terminal(vehicle)
    emitter = facts.emitters.get(plate) if valid else None
    verdict = evaluate(read, registered, gate.firm, alerts, exempted, book, sightings, terminal, emitter)
    measured = None
    if plate_event.pictures and (verdict.decision == "deny" or picture_decides(policies)):
        plate_box = plate_event.best.read.get("plate_box") if plate_event.best else None
        measured = measure(plate_event.pictures, plate_box)
        if measured is not None:
            read = Read(plate_event.plate_raw, plate_event.plate_color, at, picture_facts(measured), read.vehicle_type)
            verdict = evaluate(read, registered, gate.firm, alerts, exempted, book, sightings, terminal, emitter)
    suggestions = facts.registered_lookalikes(plate) if valid and vehicle is None else []
    return Decided(plate_event, gate, verdict, vehicle, suggestions, levels, before, measured)


def picture_decides(policies: list[Policy]) -> bool:
    """The picture's colour is an input of the rules only where the bureau's policy says so on purpose."""
    return any(p.rule == "PICTURE_COLOUR" and overrules_camera(p.params) for p in policies)


def _sightings(plate_event: PassRow, gate: GateInfo, registered, policies: list[Policy], facts: Facts):
    """The plate's other passes as the cloned-plate check compares them, where its policy is in force."""
    policy = cloned_policy(policies)
    if policy is None:
        return None
    here = Place(gate.latitude, gate.longitude) if gate.latitude is not None and gate.longitude is not None else None
    colour = plate_event.plate_color
    key = id(plate_event)
    return sightings_of(
        here,
        plate_event.captured_at,
        gate.id,
        plate_event.id,
        policy.params,
        facts.placed.get(plate_event.plate, []),
        registered is not None and colour is not None and colour != registered.plate_color,
        facts.colour_contradictions.get(key, 0),
        contradicts_class(plate_event.vehicle_type, registered, policy.params),
        facts.type_contradictions.get(key, 0),
        gate.firm_id,
    )
