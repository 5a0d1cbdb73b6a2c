"""号牌复核: the plate text read back from a pass's picture against the camera's read. Where the
PLATE_TEXT policy in force on the pass's day says so (how sure the reading must be, how many characters
must differ, whether the province character counts), a disagreement becomes a finding for review in
the pass's case; never a deny on its own."""

from sqlalchemy import select

from registry.cases.raising import raise_on_pass
from registry.common.time import local_date
from registry.events.models import PlateEvent, Violation
from registry.extensions import db
from registry.identifiers.plates import compare_reads
from registry.pictures.text import PlateText
from registry.policies.services import policies_in_force

RULE = "PLATE_TEXT"


def check_plate_text(plate_event: PlateEvent, read: PlateText | None) -> bool:
    """Raise the finding when the picture contradicts the camera; True when it did. Flushes."""
    if read is None or not plate_event.plate:
        return False
    policy = next((p for p in policies_in_force(local_date(plate_event.captured_at)) if p.rule == RULE), None)
    if policy is None or read.confidence < policy.params.get("min_confidence", 0.9):
        return False
    comparison = compare_reads(plate_event.plate, read.text, policy.params.get("ignore_province", True))
    if comparison.agree or comparison.differences < policy.params.get("min_differences", 1):
        return False
    raised = select(Violation.id).where(Violation.plate_event_id == plate_event.id, Violation.rule == RULE)
    if db.session.scalar(raised.limit(1)) is not None:
        return False  # the pass's other picture said so already
    gate = plate_event.gate
    finding = {
        "rule": RULE,
        "severity": policy.params.get("severity", "review"),
        "message_zh": f"图片复核号牌为 {read.text}，与相机识别的 {plate_event.plate} 不一致"
        f"（{comparison.differences} 处，识别置信度 {read.confidence:.0%}）",
        "message_en": f"the picture reads {read.text}, the camera {plate_event.plate}"
        f" ({comparison.differences} character(s) differ, confidence {read.confidence:.0%})",
        "clause": policy.clause,
        "policy_id": policy.id,
        "picture_text": read.text,
    }
    context = {"firm": {"name": gate.firm.name, "industry": gate.firm.industry.value}, "policy_ids": [policy.id]}
    raise_on_pass(
        plate_event.id,
        plate_event.captured_at,
        plate_event.gate_id,
        gate.firm_id,
        plate_event.plate,
        plate_event.verdict.decision,
        [finding],
        context,
    )
    return True
