"""An inspection's findings as violations of the sampled passes, gathered into their cases (案件) for
the firm: the same review queue as the gate's own findings."""

from registry.cases.raising import raise_on_pass
from registry.events.models import Severity
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
    """A violation for each finding of each row, in the row's pass's case (registry.cases.raising).
    The number of violations raised."""
    raised = 0
    firm = {"name": inspection.firm.name, "industry": inspection.firm.industry.value}
    for item in inspection.items:
        if not item.findings:
            continue
        data = item.row
        context = {"vehicle": data.get("vehicle"), "firm": firm, "policy_ids": [], "inspection_id": inspection.id}
        raised += raise_on_pass(
            item.plate_event_id,
            item.pass_at,
            data["gate_id"],
            inspection.firm_id,
            data.get("plate") or "",
            data["verdict"]["decision"],
            [_finding(rule, item, inspection) for rule in item.findings],
            context,
        )
        item.case_id = item.plate_event_id
    return raised
