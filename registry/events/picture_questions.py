"""Questions a pass's picture raises after the gate answered, each a finding for review in the pass's
case and never a deny: its plate text read back (号牌复核, PLATE_TEXT) and its plate colour measured
(号牌颜色复核, PICTURE_COLOUR), against the camera's read, where the policy in force on the pass's day
says how sure the picture must be."""

from dataclasses import replace

from sqlalchemy import select

from registry.cases.raising import raise_on_pass
from registry.common.time import local_date
from registry.events.models import PlateEvent, Violation
from registry.extensions import db
from registry.identifiers.plates import compare_reads
from registry.pictures.text import PlateText
from registry.policies.schemas import load_params
from registry.policies.services import policies_in_force
from registry.rules import Picture
from registry.rules.picture_colour import RULE as COLOUR_RULE
from registry.rules.picture_colour import colour_question

TEXT_RULE = "PLATE_TEXT"


class PolicyByDay:
    """The policies in force on each local day, read once per day for a run of checks; a rule's
    parameters completed by its schema (its defaults are the schema's, not repeated here)."""

    def __init__(self):
        self.days: dict = {}

    def __call__(self, day, rule: str):
        if day not in self.days:
            self.days[day] = {p.rule: p for p in reversed(policies_in_force(day))}  # the oldest of a rule
        policy = self.days[day].get(rule)
        return (policy, load_params(rule, policy.params)) if policy else (None, None)


def check_plate_text(plate_event: PlateEvent, read: PlateText | None, policies: PolicyByDay | None = None) -> bool:
    """Raise the finding when the picture's text contradicts the camera; True when it did. Flushes."""
    if read is None or not plate_event.plate:
        return False
    policy, params = (policies or PolicyByDay())(local_date(plate_event.captured_at), TEXT_RULE)
    if policy is None or read.confidence < params["min_confidence"]:
        return False
    comparison = compare_reads(plate_event.plate, read.text, params["ignore_province"])
    if comparison.agree or comparison.differences < params["min_differences"] or _raised(plate_event, TEXT_RULE):
        return False  # agreed, or the pass's other picture said so already
    finding = {
        "rule": TEXT_RULE,
        "severity": params["severity"],
        "message_zh": f"图片复核号牌为 {read.text}，与相机识别的 {plate_event.plate} 不一致"
        f"（{comparison.differences} 处，识别置信度 {read.confidence:.0%}）",
        "message_en": f"the picture reads {read.text}, the camera {plate_event.plate}"
        f" ({comparison.differences} character(s) differ, confidence {read.confidence:.0%})",
        "clause": policy.clause,
        "policy_id": policy.id,
        "picture_text": read.text,
    }
    _raise(plate_event, finding, policy.id)
    return True


def check_picture_colour(plate_event: PlateEvent, picture: Picture | None, policies: PolicyByDay | None = None) -> bool:
    """Raise the colour question when the picture's colour disagrees with the camera's; True when it did.
    The same pure rule as at the gate (registry.rules.picture_colour). Flushes."""
    if picture is None or picture.colour is None:
        return False
    policy, params = (policies or PolicyByDay())(local_date(plate_event.captured_at), COLOUR_RULE)
    if policy is None:
        return False
    claimed = plate_event.plate_color.value if plate_event.plate_color else None
    question = colour_question(claimed, picture, replace(policy, params=params))
    if question is None or _raised(plate_event, COLOUR_RULE):
        return False  # agreed, doubtful, or raised at the gate or by the pass's other picture
    _raise(plate_event, question.as_dict(), policy.id)
    return True


def _raised(plate_event: PlateEvent, rule: str) -> bool:
    raised = select(Violation.id).where(Violation.plate_event_id == plate_event.id, Violation.rule == rule)
    return db.session.scalar(raised.limit(1)) is not None


def _raise(plate_event: PlateEvent, finding: dict, policy_id: int) -> None:
    gate = plate_event.gate
    firm = {"name": gate.firm.name, "industry": gate.firm.industry.value} if gate.firm is not None else None
    context = {"firm": firm, "policy_ids": [policy_id]}
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
