"""Findings raised on a pass after the gate answered (an inspection's, the picture's text read back):
a violation for each, and the pass's case opened, or opened again when it was reviewed without them."""

from datetime import datetime

from registry.cases.models import Case
from registry.cases.rows import RULES_LENGTH
from registry.events.models import Decision, Severity, Violation, ViolationStatus
from registry.extensions import db
from registry.statistics.counting import DailyCounts
from registry.statistics.upserts import write_counts


def raise_on_pass(
    pass_id: int,
    pass_at: datetime,
    gate_id: int,
    firm_id: int,
    plate: str,
    decision: Decision | str,
    findings: list[dict],
    context: dict,
) -> int:
    """Each finding (`rule`, `severity`, `message_zh`, `message_en`, `clause`) becomes a violation of the
    pass that carries it in its context, counted in its day's statistics; flushes, never commits. The
    number raised."""
    if not findings:
        return 0
    for finding in findings:
        db.session.add(
            Violation(
                plate_event_id=pass_id,
                rule=finding["rule"],
                severity=Severity(finding.get("severity", "review")),
                status=ViolationStatus.OPEN,
                captured_at=pass_at,
                gate_id=gate_id,
                firm_id=firm_id,
                plate=plate or "",
                context=context | {"finding": finding},
            )
        )
    counts = DailyCounts()  # the day's counts hold every violation, however it was raised
    for finding in findings:
        counts.violation_counted(pass_at, gate_id, firm_id, finding["rule"], None)
    write_counts(db.session.connection(), counts)
    rules = [finding["rule"] for finding in findings]
    case = db.session.get(Case, pass_id)
    if case is None:
        db.session.add(
            Case(
                plate_event_id=pass_id,
                captured_at=pass_at,
                gate_id=gate_id,
                firm_id=firm_id,
                plate=plate or "",
                decision=Decision(decision),
                rules=",".join(dict.fromkeys(rules))[:RULES_LENGTH],
                findings_count=len(rules),
                status=ViolationStatus.OPEN,
            )
        )
    else:
        case.rules = ",".join(dict.fromkeys([*case.rule_codes, *rules]))[:RULES_LENGTH]
        case.findings_count += len(rules)
        case.status = ViolationStatus.OPEN
    db.session.flush()
    return len(rules)
