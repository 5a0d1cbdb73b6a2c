"""The compliance rules engine (合规判定): pure functions over plain values, no Flask, no database.

verdict = evaluate(read, vehicle, firm, alerts, exempted_alert_ids, policies)
"""

from registry.rules.engine import evaluate, evaluate_checkpoint
from registry.rules.facts import (
    AlertFacts,
    EmitterFacts,
    Finding,
    FirmFacts,
    Picture,
    Policy,
    PolicyBook,
    Read,
    TerminalFacts,
    VehicleFacts,
    Verdict,
)

__all__ = [
    "AlertFacts",
    "EmitterFacts",
    "Finding",
    "FirmFacts",
    "Picture",
    "Policy",
    "PolicyBook",
    "Read",
    "TerminalFacts",
    "VehicleFacts",
    "Verdict",
    "evaluate",
    "evaluate_checkpoint",
]
