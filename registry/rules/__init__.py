"""The compliance rules engine (合规判定): pure functions over plain values, no Flask, no database.

verdict = evaluate(read, vehicle, firm, alerts, exempted_alert_ids, policies)
"""

from registry.rules.engine import evaluate
from registry.rules.facts import (
    AlertFacts,
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
]
