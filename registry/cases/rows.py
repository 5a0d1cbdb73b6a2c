"""A pass's case as a row, for the gate's pipeline (registry.ingest.records): pure."""

RULES_LENGTH = 400  # cases.rules: the findings' rules, comma-separated, cut at this length
LEVELS = ("yellow", "orange", "red")  # ascending: a case carries the highest level its findings are about


def case_rows(decided, findings: list, now) -> list[tuple[str, dict]]:
    """The open case of a decided pass's findings for a person (those that deny or ask for review, and its
    questions); none without them, nor where the stored pass's case was reviewed already (it stays as it
    was reviewed: its open case, if any, the writer takes back before)."""
    if not findings or (decided.before is not None and decided.before.case_reviewed):
        return []
    plate_event, gate = decided.plate_event, decided.gate
    found = [decided.alert_levels[f.alert_id] for f in findings if decided.alert_levels.get(f.alert_id)]
    level = max(found, key=LEVELS.index) if found else None
    return [
        (
            "cases",
            {
                "captured_at": plate_event.captured_at,
                "gate_id": gate.id,
                "firm_id": gate.firm_id,
                "plate": plate_event.plate,
                "decision": decided.verdict.decision,
                "rules": ",".join(dict.fromkeys(f.rule for f in findings))[:RULES_LENGTH],
                "findings_count": len(findings),
                "alert_level": level,
                "status": "open",
                "created_at": now,
                "updated_at": now,
            },
        )
    ]
