"""evaluate(): may this truck pass this gate at this moment, and if not, why?"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from registry.common.time import local_date
from registry.identifiers.plates import is_valid_plate, normalise_plate
from registry.rules import messages as msg
from registry.rules.cloned import cloned_plate
from registry.rules.facts import (
    AlertFacts,
    EmitterFacts,
    Finding,
    FirmFacts,
    Picture,
    Policy,
    PolicyBook,
    Read,
    Sightings,
    TerminalFacts,
    VehicleFacts,
    Verdict,
)
from registry.rules.obd import obd_findings
from registry.rules.picture_colour import colour_question, overrules_camera
from registry.rules.stages import NEW_ENERGY, at_least, at_most, infer_stage
from registry.rules.zones import PermitFacts, ZoneFacts, breaches, zone_findings

# Used only when no SCOPE policy is in force: the plan's heavy-vehicle scope.
DEFAULT_SCOPE = {
    "vehicle_classes": ["heavy_truck", "medium_truck", "tractor"],
    "plate_colors": ["yellow", "yellow_green"],
}
ALL_FREIGHT = "all"  # a staggered-transport cell that bans every truck, new energy included


UNGATHERED = object()  # a vehicle's terminal not looked up: OBD_MONITORING is not checked


class _Evaluation:
    """Collects findings and the policies consulted while the rules run."""

    def __init__(self, policies: Iterable[Policy], read: Read):
        day = local_date(read.at)
        book = policies if isinstance(policies, PolicyBook) and policies.day == day else PolicyBook(day, policies)
        self.in_force: dict[str, list[Policy]] = book
        self.findings: list[Finding] = []
        self.used: set[int] = set()
        self.alert_ids: list[int] = []
        self.questions: list[Finding] = []
        self.picture: Picture | None = read.picture

    def policies(self, rule: str) -> list[Policy]:
        found = self.in_force.get(rule, [])
        self.used.update(p.id for p in found)
        return found

    def add(
        self,
        policy: Policy,
        severity: str,
        text: tuple[str, str],
        note: str | None = None,
        alert_id: int | None = None,
        related_pass_id: int | None = None,
    ) -> None:
        zh, en = text
        finding = Finding(policy.rule, severity, zh, en, policy.clause, policy.id, note, alert_id, related_pass_id)
        self.findings.append(finding)

    def verdict(self, plate: str, stage: str | None, inferred: bool) -> Verdict:
        _picture_quality(self)
        severities = {f.severity for f in self.findings}
        decision = "deny" if "deny" in severities else "review" if "review" in severities else "pass"
        return Verdict(
            decision,
            tuple(self.findings),
            tuple(sorted(self.used)),
            inferred,
            plate,
            stage,
            tuple(self.alert_ids),
            tuple(self.questions),
        )


def evaluate(
    read: Read,
    vehicle: VehicleFacts | None,
    firm: FirmFacts | None,
    alerts: Sequence[AlertFacts] = (),
    exempted_alert_ids: frozenset[int] | set[int] = frozenset(),
    policies: Iterable[Policy] = (),
    sightings: Sightings | None = None,
    terminal: TerminalFacts | object | None = UNGATHERED,
    emitter: EmitterFacts | None = None,
) -> Verdict:
    """The verdict for one read; deterministic, no I/O. `sightings`: the plate's other passes, for the
    cloned-plate check (none given: not checked). `terminal`: the vehicle's remote emission terminal
    (None: none known), for OBD_MONITORING (not given: not checked). `emitter`: the truck's listing as a
    suspected high emitter, for HIGH_EMITTER (None: not listed)."""
    ev = _Evaluation(policies, read)
    plate = normalise_plate(read.plate)
    if not plate:  # a vehicle without a plate (无牌车): what happens is policy data
        for policy in ev.policies("NO_PLATE"):
            ev.add(policy, policy.params.get("severity", "review"), msg.no_plate())
        return ev.verdict(plate, None, False)
    if not is_valid_plate(plate):
        for policy in ev.policies("UNREADABLE_PLATE"):
            ev.add(policy, "review", msg.unreadable(read.plate))
        return ev.verdict(plate, None, False)

    scope = next(iter(ev.policies("SCOPE")), None)
    scope_params = scope.params if scope else DEFAULT_SCOPE
    colour = _colour(ev, read)
    if sightings is not None:
        for policy in ev.policies("CLONED_PLATE"):
            for text, related in cloned_plate(read, colour, vehicle, sightings, policy.params):
                ev.add(policy, policy.params.get("severity", "review"), text, related_pass_id=related)
    if vehicle is None:
        if colour in scope_params["plate_colors"]:
            for policy in ev.policies("UNREGISTERED_VEHICLE"):
                ev.add(policy, "review", msg.unregistered(plate, colour))
        return ev.verdict(plate, None, False)
    if vehicle.vehicle_class not in scope_params["vehicle_classes"]:
        return ev.verdict(plate, vehicle.emission_stage, False)

    _check_plate_colour(ev, vehicle, colour)
    stage, inferred = _stage(ev, vehicle)
    if stage is None:
        for policy in ev.policies("STAGE_UNKNOWN"):
            ev.add(policy, "review", msg.stage_unknown(plate))
    else:
        _phase_out(ev, vehicle, stage)
        if firm is not None:
            _freight_stage(ev, firm, stage)
            _clean_transport(ev, firm, stage)
    if firm is not None:
        _staggered_transport(ev, read, firm, stage, alerts, exempted_alert_ids)
    if terminal is not UNGATHERED:
        for policy in ev.policies("OBD_MONITORING"):
            for text in obd_findings(stage, read.at, terminal, policy.params):
                ev.add(policy, policy.params.get("severity", "review"), text)
    if emitter is not None:
        for policy in ev.policies("HIGH_EMITTER"):
            ev.add(
                policy, policy.params.get("severity", "review"), msg.high_emitter(emitter.listed_at, emitter.reasons)
            )
    return ev.verdict(plate, stage, inferred)


def evaluate_checkpoint(
    read: Read,
    vehicle: VehicleFacts | None,
    zones: Sequence[ZoneFacts],
    permits: Sequence[PermitFacts],
    alerts: Sequence[AlertFacts] = (),
    policies: Iterable[Policy] = (),
) -> Verdict:
    """The verdict for one read at a road checkpoint (卡口) that enforces `zones`: only the zones' rules
    (RESTRICTION_ZONE) apply there; a firm's rules are the gates'. A breach is a police case; a permit
    that covers it a note. Deterministic, no I/O."""
    ev = _Evaluation(policies, read)
    plate = normalise_plate(read.plate)
    if not plate or not is_valid_plate(plate):
        return ev.verdict(plate, None, False)
    stage, inferred = _stage(ev, vehicle) if vehicle is not None else (None, False)
    for policy in ev.policies("RESTRICTION_ZONE"):
        found = breaches(plate, read.plate_color, vehicle, stage, read.at, zones, permits, alerts, policy.params)
        ev.findings += zone_findings(found, stage, policy)
    return ev.verdict(plate, stage, inferred)


def _colour(ev: _Evaluation, read: Read) -> str | None:
    """The plate colour the rules use: the camera's. A picture measuring another one raises a question
    for a person (PICTURE_COLOUR); only a policy that says so on purpose lets the picture's colour in."""
    picture = read.picture
    if picture is None or picture.colour is None or picture.colour == read.plate_color:
        return read.plate_color
    for policy in ev.policies("PICTURE_COLOUR"):
        question = colour_question(read.plate_color, picture, policy)
        if question is not None:
            ev.questions.append(question)
            if overrules_camera(policy.params):
                return picture.colour
    return read.plate_color


def _picture_quality(ev: _Evaluation) -> None:
    """A deny resting on a picture too poor to trust becomes a review, with the reason stated."""
    picture = ev.picture
    if picture is None or not any(f.severity == "deny" for f in ev.findings):
        return
    for policy in ev.policies("PICTURE_QUALITY"):
        problems = quality_problems(picture, policy.params)
        if problems:
            ev.findings = [
                Finding(
                    f.rule, "review", f.message_zh, f.message_en, f.clause, f.policy_id, "PICTURE_QUALITY", f.alert_id
                )
                if f.severity == "deny"
                else f
                for f in ev.findings
            ]
            ev.add(policy, "review", msg.picture_quality(problems))
            return


def quality_problems(picture: Picture, params) -> list[str]:
    """Which of the policy's minimums the picture misses (a figure not measured is not held against it)."""
    checks = [
        ("blurred", picture.sharpness, params.get("min_sharpness"), lambda v, t: v < t),
        ("too_dark", picture.brightness, params.get("min_brightness"), lambda v, t: v < t),
        ("overexposed", picture.overexposed, params.get("max_overexposed"), lambda v, t: v > t),
        ("plate_too_small", picture.plate_width, params.get("min_plate_width"), lambda v, t: v < t),
    ]
    return [
        name for name, value, limit, fails in checks if value is not None and limit is not None and fails(value, limit)
    ]


def _stage(ev: _Evaluation, vehicle: VehicleFacts) -> tuple[str | None, bool]:
    if vehicle.emission_stage:
        return vehicle.emission_stage, False
    for policy in ev.policies("STAGE_INFERENCE"):
        stage = infer_stage(vehicle.registration_date, vehicle.fuel_type, policy.params.get("cutovers", {}))
        if stage:
            return stage, True
    return None, False


def _check_plate_colour(ev: _Evaluation, vehicle: VehicleFacts, colour: str | None) -> None:
    registered_nev = vehicle.emission_stage == NEW_ENERGY
    if (registered_nev and colour == "yellow") or (not registered_nev and colour == "yellow_green"):
        for policy in ev.policies("NEV_MISMATCH"):
            ev.add(policy, "review", msg.nev_mismatch(vehicle.plate, registered_nev, colour))


def _phase_out(ev: _Evaluation, vehicle: VehicleFacts, stage: str) -> None:
    for policy in ev.policies("PHASE_OUT"):
        fuels = policy.params.get("fuel_types", ["diesel"])
        if vehicle.fuel_type in fuels and at_most(stage, policy.params.get("max_stage", "3")):
            ev.add(policy, "deny", msg.phase_out(stage))


def _freight_stage(ev: _Evaluation, firm: FirmFacts, stage: str) -> None:
    for policy in ev.policies("FREIGHT_STAGE"):
        threshold, minimum = policy.params["threshold_tonnes"], policy.params["min_stage"]
        if firm.annual_freight_tonnes >= threshold and not at_least(stage, minimum):
            ev.add(policy, "deny", msg.freight_stage(firm.annual_freight_tonnes, threshold, minimum, stage))


def _clean_transport(ev: _Evaluation, firm: FirmFacts, stage: str) -> None:
    for policy in ev.policies("CLEAN_TRANSPORT"):
        params = policy.params
        applies = firm.industry in params["industries"] and (
            firm.in_planning_area or not params.get("planning_area_only", True)
        )
        if applies and not at_least(stage, params.get("min_stage", "6")):
            ev.add(policy, "deny", msg.clean_transport(firm.industry, stage))


def _staggered_transport(
    ev: _Evaluation,
    read: Read,
    firm: FirmFacts,
    stage: str | None,
    alerts: Sequence[AlertFacts],
    exempted_alert_ids,
) -> None:
    covering = [a for a in sorted(alerts, key=lambda a: a.id) if a.covers(read.at, firm.region)]
    if not covering:
        return
    for policy in ev.policies("STAGGERED_TRANSPORT"):
        for alert in covering:
            ev.alert_ids.append(alert.id)
            ban = policy.params["matrix"].get(firm.performance_grade, {}).get(alert.level)
            if ban is None or (ban != ALL_FREIGHT and (stage is None or not at_most(stage, ban))):
                continue
            text = msg.staggered(firm.performance_grade, alert.level, ban, stage)
            if alert.id in exempted_alert_ids:
                ev.add(policy, "info", msg.exempted(text), note="EXEMPTED", alert_id=alert.id)
            else:
                ev.add(policy, "deny", text, alert_id=alert.id)
