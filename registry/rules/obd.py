"""远程排放监控 at the gate (OBD_MONITORING, plan clauses 15 and 18): a truck of a stage that carries a
remote emission terminal (China VI by default) whose terminal has been silent for the policy's days, or
has alarms open of the kinds the policy names, is a question for a person: a review by default, a deny
only where the bureau's policy says so. The pass itself shows the truck is on the road, so a silent
terminal is not a parked truck. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from registry.common.time import local_minute
from registry.rules import messages as msg
from registry.rules.facts import TerminalFacts

NEW_ENERGY = "D"


def obd_findings(stage: str | None, at: datetime, terminal: TerminalFacts | None, params) -> list[tuple[str, str]]:
    """The findings' texts (zh, en) for a truck of `stage` passing at `at`."""
    if stage is None or stage == NEW_ENERGY or stage not in params.get("stages", ["6"]):
        return []
    found = []
    last = terminal.last_collected_at if terminal is not None else None
    days = params.get("silent_days", 3)
    if last is None:
        if params.get("require_terminal", False):
            found.append(msg.obd_silent(days, None))
    elif at - last > timedelta(days=days):
        found.append(msg.obd_silent(days, local_minute(last)))
    if terminal is not None:
        named = [kind for kind in params.get("gate_alarms", []) if kind in terminal.open_alarms]
        if named:
            found.append(msg.obd_alarms(named))
    return found
