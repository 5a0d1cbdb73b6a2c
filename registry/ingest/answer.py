"""What the gate gets back: the verdict, and the short Chinese text its LED shows (plate, stage, control
status, 允许/禁止通行)."""

from registry.rules.stages import stage_name_zh

ACTIONS = {"pass": "允许通行", "deny": "禁止通行", "review": "请停车核验"}


def control_status(decision: str, findings: list[dict]) -> str:
    denying = {f["rule"] for f in findings if f["severity"] == "deny"}
    if "STAGGERED_TRANSPORT" in denying:
        return "应急管控"  # heavy-pollution alert
    if denying:
        return "排放不达标"
    if any(f["rule"] == "UNREGISTERED_VEHICLE" for f in findings):
        return "未登记 请扫码登记"  # the gate's QR code (registry.registrations) opens the self-registration
    if decision == "review":
        return "待核验"
    return "合规"


NO_PLATE_TEXT = "无牌车"


def led_text(plate: str, stage: str | None, decision: str, findings: list[dict]) -> str:
    if not plate:
        return f"{NO_PLATE_TEXT} {control_status(decision, findings)} {ACTIONS[decision]}"
    stage_text = stage_name_zh(stage) if stage else "阶段未知"
    return f"{plate} {stage_text} {control_status(decision, findings)} {ACTIONS[decision]}"


def answer_of(plate_event, event_id: str, outcome: str) -> dict:
    """The verdict as the gate receives it (HTTP body and MQTT verdict message alike)."""
    verdict = plate_event.verdict
    decision = getattr(verdict.decision, "value", verdict.decision)
    return {
        "id": plate_event.id,
        "event_id": event_id,
        "plate": plate_event.plate or None,
        "no_plate": not plate_event.plate,
        "decision": decision,
        "findings": verdict.findings,
        "policy_ids": verdict.policy_ids,
        "stage_inferred": verdict.stage_inferred,
        "display": led_text(plate_event.plate, verdict.emission_stage, decision, verdict.findings),
        "read_count": plate_event.read_count,
        "outcome": outcome,
    }
