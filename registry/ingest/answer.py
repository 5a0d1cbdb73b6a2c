"""The short Chinese text a gate's LED shows: plate, stage, control status, 允许/禁止通行."""

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
