"""An inspection's findings as violations of the sampled passes, gathered into their cases (案件) for
the firm: the same review queue as the gate's own findings."""

from sqlalchemy import select

from registry.cases.models import Case
from registry.events.models import Severity, Violation, ViolationStatus
from registry.extensions import db
from registry.inspections.models import FirmInspection, InspectionItem
from registry.labels import words

CLAUSE = (
    "《重点行业移动源监管与核查技术指南》（HJ 1321-2023）：抽查门禁电子台账记录的完整性、规范性，核实排放阶段"
    " / HJ 1321-2023: sampled ledger records are checked for completeness and format, emission stages re-verified"
)


def _finding(rule: str, item: InspectionItem, inspection: FirmInspection) -> dict:
    where = f"抽查核验第 {inspection.id} 号第 {item.position} 条"
    where_en = f"inspection {inspection.id}, sample {item.position}"
    note = f"；{item.note}" if item.note else ""
    if rule == "LEDGER_INCOMPLETE":
        missing = "、".join(words("ledger_field", gap, "zh") for gap in item.gaps)
        missing_en = ", ".join(words("ledger_field", gap, "en") for gap in item.gaps)
        zh = f"{where}：台账记录不完整或不规范" + (f"（{missing}）" if missing else "") + note
        en = f"{where_en}: the ledger record is incomplete or malformed" + (f" ({missing_en})" if missing_en else "")
    else:
        seen = words("stage", item.stage_seen, "zh") if item.stage_seen else "—"
        recorded = words("stage", item.row.get("ledger", {}).get("emission_stage"), "zh") or "—"
        zh = f"{where}：台账排放阶段（{recorded}）与证件（{seen}）不符" + note
        en = f"{where_en}: the ledger's emission stage does not match the documents"
    return {"rule": rule, "severity": Severity.REVIEW.value, "message_zh": zh, "message_en": en, "clause": CLAUSE}


def raise_findings(inspection: FirmInspection) -> int:
    """A violation for each finding of each row, and the row's pass's case opened (or reopened: a case
    reviewed before did not know this finding). The number of violations raised."""
    raised = 0
    firm = {"name": inspection.firm.name, "industry": inspection.firm.industry.value}
    for item in inspection.items:
        rules = item.findings
        if not rules:
            continue
        data = item.row
        context = {
            "vehicle": data.get("vehicle"),
            "firm": firm,
            "policy_ids": [],
            "inspection_id": inspection.id,
        }
        case = db.session.get(Case, item.plate_event_id)
        for rule in rules:
            db.session.add(
                Violation(
                    plate_event_id=item.plate_event_id,
                    rule=rule,
                    severity=Severity.REVIEW,
                    status=ViolationStatus.OPEN,
                    captured_at=item.pass_at,
                    gate_id=data["gate_id"],
                    firm_id=inspection.firm_id,
                    plate=data.get("plate") or "",
                    context=context | {"finding": _finding(rule, item, inspection)},
                )
            )
            raised += 1
        if case is None:
            db.session.add(
                Case(
                    plate_event_id=item.plate_event_id,
                    captured_at=item.pass_at,
                    gate_id=data["gate_id"],
                    firm_id=inspection.firm_id,
                    plate=data.get("plate") or "",
                    decision=data["verdict"]["decision"],
                    rules=",".join(rules),
                    findings_count=len(rules),
                    status=ViolationStatus.OPEN,
                )
            )
        else:
            known = case.rule_codes
            case.rules = ",".join(dict.fromkeys([*known, *rules]))[:400]
            case.findings_count += len(rules)
            case.status = ViolationStatus.OPEN
        item.case_id = item.plate_event_id
    db.session.flush()
    return raised


def open_cases(inspection: FirmInspection) -> list[int]:
    ids = [item.case_id for item in inspection.items if item.case_id]
    return list(db.session.scalars(select(Case.plate_event_id).where(Case.plate_event_id.in_(ids)))) if ids else []
