"""Judging a pass: the verdict from the rules engine, and the violations its findings raise."""

from sqlalchemy import delete

from registry.cases.opening import open_case
from registry.common.time import local_date, utcnow
from registry.compliance.facts import Facts
from registry.compliance.services import Check, check_read
from registry.events.models import Decision, PassImage, PlateEvent, Severity, Verdict, Violation, ViolationStatus
from registry.events.pictures import PassPicture, analyse_best, analysis_columns, note_colour, picture_facts
from registry.events.writing import ChildRows, NewPass
from registry.extensions import db
from registry.gates.models import Gate
from registry.policies.sets import ensure, set_id_of
from registry.rules.picture_colour import overrules_camera


def judge(
    plate_event: PlateEvent | NewPass,
    gate: Gate,
    facts: Facts,
    children: ChildRows,
    pictures: list[PassPicture] = (),
    plate_box: list[int] | None = None,
) -> None:
    """(Re)compute the pass's verdict and its open violations from the best read. The pictures are
    analysed first only when the decision may rest on them: the quality before a deny, the colour where
    the bureau's policy lets the picture's colour overrule the camera's; otherwise later, off the gate's
    path.

    A pass this batch created (a NewPass) is written by the batch itself; a stored one goes through the
    session."""
    stored = not isinstance(plate_event, NewPass)
    if stored:
        children.daily.rejudging(plate_event, gate.firm_id)
    colour = plate_event.plate_color.value if plate_event.plate_color else None
    pass_id = plate_event.id if stored else None
    at = plate_event.captured_at
    kind = plate_event.vehicle_type
    check = check_read(plate_event.plate_raw, colour, gate.firm, at, facts, None, gate, pass_id, kind)
    if pictures and (check.verdict.decision == "deny" or picture_decides(facts.policies(local_date(at)))):
        analysis = analyse_best(list(pictures), plate_box)
        note_colour(plate_event, analysis)
        if analysis is not None:
            facts_of_picture = picture_facts(analysis)
            check = check_read(
                plate_event.plate_raw, colour, gate.firm, at, facts, facts_of_picture, gate, pass_id, kind
            )
    plate_event.vehicle_id = check.vehicle.id if check.vehicle is not None else None
    verdict = plate_event.verdict or Verdict(plate_event=plate_event, pass_at=plate_event.captured_at)
    result = check.verdict
    verdict.decision = Decision(result.decision)
    verdict.findings = [f.as_dict() for f in result.findings]
    verdict.policy_set_id = set_id_of(result.policy_ids)
    verdict.stage_inferred = result.stage_inferred
    verdict.emission_stage = result.stage
    verdict.alert_id = result.alert_ids[0] if result.alert_ids else None
    if stored:
        ensure(db.session, [verdict.policy_set_id])  # before the verdict names it (flushed by what follows)
        db.session.add(verdict)
    _raise_violations(plate_event, gate, check, facts, children, stored)


COUNTED_BY = (Violation.captured_at, Violation.gate_id, Violation.firm_id, Violation.rule, Violation.alert_level)


def _raise_violations(
    plate_event: PlateEvent | NewPass, gate: Gate, check: Check, facts: Facts, children: ChildRows, stored: bool
) -> None:
    children.drop(Violation, plate_event)  # re-judged after a better read: its open violations go
    if stored:
        removed = db.session.execute(
            delete(Violation)
            .where(Violation.plate_event_id == plate_event.id, Violation.status == "open")
            .returning(*COUNTED_BY)
        )
        children.daily.violations_removed(removed.all())
    findings = [f for f in check.verdict.findings if f.severity in ("deny", "review")]
    findings += check.verdict.questions  # for a person: into the case, never into the decision
    alerted = findings and check.verdict.alert_ids  # the levels matter only to findings about an alert
    levels = {a.id: a.level for a in facts.alerts_at(plate_event.captured_at)} if alerted else {}
    open_case(plate_event, gate, Decision(check.verdict.decision), findings, levels, children, stored)
    if not findings:
        return
    context, questions = _context(gate, check), check.verdict.questions
    for finding in findings:
        children.add(
            Violation,
            plate_event,
            {
                "rule": finding.rule,
                "captured_at": plate_event.captured_at,
                "gate_id": gate.id,
                "firm_id": gate.firm_id,
                "plate": plate_event.plate,
                "alert_id": finding.alert_id,
                "alert_level": levels.get(finding.alert_id),
                "severity": Severity(finding.severity),
                "status": ViolationStatus.OPEN,
                # a question is not in the verdict's findings: its violation carries it
                "context": context | {"finding": finding.as_dict()} if finding in questions else context,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            },
        )


def _context(gate: Gate, check: Check) -> dict:
    """The vehicle and firm as they were at the moment of the pass, for the violation's record."""
    vehicle = check.vehicle
    vehicle_record = None
    if vehicle is not None:
        facts = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(check.vehicle_facts).items()}
        vehicle_record = {"id": vehicle.id, "vin": vehicle.vin, "owner": vehicle.owner} | facts
    return {
        "firm": {"id": gate.firm_id, "name": gate.firm.name} | vars(check.firm_facts),
        "vehicle": vehicle_record,
        "gate": gate.code,
        "alert_ids": list(check.verdict.alert_ids),
        "policy_ids": list(check.verdict.policy_ids),
        "stage_inferred": check.verdict.stage_inferred,
        "suggestions": check.suggestions,
    }


def picture_decides(policies) -> bool:
    """The picture's colour is an input of the rules only where the bureau's policy says so on purpose."""
    return any(p.rule == "PICTURE_COLOUR" and overrules_camera(p.params) for p in policies)


def store_images(plate_event: PlateEvent, pictures: list[PassPicture], children: ChildRows) -> None:
    for picture in pictures:
        checked = picture.checked
        children.add(
            PassImage,
            plate_event,
            {
                "kind": picture.kind,
                "sha256": checked.sha256,
                "size": checked.size,
                "width": checked.width,
                "height": checked.height,
                "content_type": checked.content_type,
                "valid": checked.valid,
                "error": checked.error,
                "created_at": utcnow(),
            }
            | analysis_columns(picture.analysis),
        )


def store_references(plate_event: PlateEvent, references: dict[str, str], children: ChildRows) -> None:
    """Pictures sent by path or URL: a record of each, with the address, waiting for the fetcher."""
    for kind, reference in references.items():
        children.add(
            PassImage,
            plate_event,
            {
                "kind": kind,
                "sha256": None,
                "size": 0,
                "valid": False,
                "reference": reference,
                "fetch_attempts": 0,
                "created_at": utcnow(),
            },
        )
