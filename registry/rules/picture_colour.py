"""号牌颜色复核 (PICTURE_COLOUR): the plate colour measured in the picture against the camera's.

A camera reads the plate colour right far more often than the picture analysis does (docs/pictures.md:
about 8 whole-vehicle photos in 10 from sources it was not fitted on), so when the two disagree the
picture is the likelier to be wrong. The disagreement is a question for a person in the pass's case;
the rules decide by the camera's colour. Only a policy a bureau sets on purpose (`overrules_camera`, with
the `measured_precision` it relies on) lets the measured colour replace the camera's as the rules' input.
Pure: the engine calls it for a picture analysed at the gate, the background analysis for the rest."""

from __future__ import annotations

from collections.abc import Mapping

from registry.rules import messages as msg
from registry.rules.facts import Finding, Picture, Policy

RULE = "PICTURE_COLOUR"
DEFAULT_MIN_CONFIDENCE = 0.6


def overrules_camera(params: Mapping) -> bool:
    """The bureau has said, naming the precision it relies on, that the picture's colour decides."""
    return bool(params.get("overrules_camera")) and params.get("measured_precision") is not None


def colour_question(camera_colour: str | None, picture: Picture | None, policy: Policy) -> Finding | None:
    """The question when the picture's colour disagrees with the camera's with at least the policy's
    `min_confidence`; None when they agree, nothing was measured or the measurement is doubtful."""
    if picture is None or picture.colour is None or picture.colour == camera_colour:
        return None
    params = policy.params
    if picture.confidence < params.get("min_confidence", DEFAULT_MIN_CONFIDENCE):
        return None
    overruled = overrules_camera(params)
    zh, en = msg.colour_question(camera_colour, picture.colour, picture.confidence, overruled)
    detail = {
        "camera_colour": camera_colour,
        "measured_colour": picture.colour,
        "confidence": round(picture.confidence, 3),
        "decided_by": "picture" if overruled else "camera",
    }
    if overruled:
        detail["measured_precision"] = params["measured_precision"]
    return Finding(
        RULE, params.get("severity", "review"), zh, en, policy.clause, policy.id, "PICTURE_COLOUR", detail=detail
    )
