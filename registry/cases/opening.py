"""Opening a case when a pass raises findings (called by judging, for new and re-judged passes)."""

from sqlalchemy import delete, select

from registry.cases.models import Case
from registry.common.time import utcnow
from registry.events.models import Decision, ViolationStatus
from registry.events.writing import ChildRows
from registry.extensions import db
from registry.gates.models import Gate

LEVELS = ("yellow", "orange", "red")  # ascending: a case carries the highest level its findings are about


def open_case(
    plate_event, gate: Gate, decision: Decision, findings: list, levels: dict, children: ChildRows, stored: bool
) -> None:
    """One open case for the pass's findings. A re-judged pass replaces its open case; a case already
    reviewed stays as it was reviewed."""
    children.drop(Case, plate_event)
    if stored:
        db.session.execute(
            delete(Case).where(Case.plate_event_id == plate_event.id, Case.status == ViolationStatus.OPEN)
        )
    if not findings:
        return
    if stored and db.session.scalar(select(Case.plate_event_id).where(Case.plate_event_id == plate_event.id)):
        return  # reviewed already: it stays as it was reviewed
    found = [levels[f.alert_id] for f in findings if levels.get(f.alert_id)]
    level = max(found, key=lambda value: LEVELS.index(getattr(value, "value", value))) if found else None
    children.add(
        Case,
        plate_event,
        {
            "captured_at": plate_event.captured_at,
            "gate_id": gate.id,
            "firm_id": gate.firm_id,
            "plate": plate_event.plate,
            "decision": decision,
            "rules": ",".join(dict.fromkeys(f.rule for f in findings)),
            "findings_count": len(findings),
            "alert_level": getattr(level, "value", level),
            "status": ViolationStatus.OPEN,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        },
    )
