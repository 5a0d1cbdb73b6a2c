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
from registry.policies.schemas import load_params
from registry.policies.services import policies_in_force

RULE = "PLATE_TEXT"


class PolicyByDay:
    """The PLATE_TEXT policy in force on each local day, read once per day for a run of checks, with its
    parameters completed by the rule's schema (its defaults are the schema's, not repeated here)."""

    def __init__(self):
        self.days: dict = {}

    def __call__(self, day):
        if day not in self.days:
            policy = next((p for p in policies_in_force(day) if p.rule == RULE), None)
            self.days[day] = (policy, load_params(RULE, policy.params)) if policy else (None, None)
        return self.days[day]


def check_plate_text(plate_event: PlateEvent, read: PlateText | None, policies: PolicyByDay | None = None) -> bool:
    """Raise the finding when the picture contradicts the camera; True when it did. Flushes."""
    if read is None or not plate_event.plate:
        return False
    policy, params = (policies or PolicyByDay())(local_date(plate_event.captured_at))
    if policy is None or read.confidence < params["min_confidence"]:
        return False
    comparison = compare_reads(plate_event.plate, read.text, params["ignore_province"])
    if comparison.agree or comparison.differences < params["min_differences"]:
        return False
    raised = select(Violation.id).where(Violation.plate_event_id == plate_event.id, Violation.rule == RULE)
    if db.session.scalar(raised.limit(1)) is not None:
        return False  # the pass's other picture said so already
    gate = plate_event.gate
    finding = {
        "rule": RULE,
        "severity": params["severity"],
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
