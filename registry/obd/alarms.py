"""A terminal's alarms, pure: what one frame's data opens, confirms or clears, by the thresholds of the
OBD_MONITORING policy in force (registry.policies.schemas.ObdMonitoringParams; none is a standard's).

- mil: the malfunction indicator lamp is on; cleared when it is off.
- fault_codes: fault codes the previous data did not have; cleared when none is reported.
- urea_low / urea_empty: the lowest urea (reagent) level of the frame at or under the threshold.
- nox_high: downstream NOx above the threshold while the SCR is warm (its inlet at the warm threshold).
- scr_low: the SCR's conversion, 1 - downstream / upstream NOx over the frame's warm samples, under the
  threshold; a frame with no warm sample says nothing of it.
- dpf: the DPF's pressure difference above the threshold.
- tamper: the terminal reported its removal (HJ 1239, command 0x06); a person closes it.
- position: no valid fix for longer than the policy's hours.

Each change names the frame it rests on (its collection time and serial): an alarm keeps the first and
the latest ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Reading:
    """What one frame says that alarms are about (None: it does not say)."""

    at: datetime  # its newest sample
    frame: tuple[str, int]  # (collection time, serial): the evidence
    mil: bool | None = None
    fault_codes: tuple[str, ...] | None = None
    urea_lowest: float | None = None
    nox_down_warm_highest: float | None = None
    warm_efficiency: float | None = None
    dpf_highest: float | None = None
    position_valid: bool | None = None
    tamper: bool = False


@dataclass(frozen=True)
class Change:
    kind: str
    action: str  # open, seen (still so: the latest evidence), close
    value: float | None = None
    threshold: float | None = None
    detail: dict = field(default_factory=dict)


def reading(at: datetime, frame: tuple[str, int], samples: list, obd=None, params: dict | None = None,
            tamper: bool = False) -> Reading:  # fmt: skip
    """A frame's Reading from its diesel samples' measurements (dicts, registry.obd.protocol.values) and
    its OBD information (mil, fault codes)."""
    params = params or {}
    warm = params.get("scr_warm_celsius", 250.0)
    urea = [s["urea_level"] for s in samples if s.get("urea_level") is not None]
    dpf = [s["dpf_pressure_difference"] for s in samples if s.get("dpf_pressure_difference") is not None]
    hot = [s for s in samples if (s.get("scr_inlet_temperature") or -300) >= warm]
    down = [s["nox_downstream"] for s in hot if s.get("nox_downstream") is not None]
    paired = [(s["nox_upstream"], s["nox_downstream"]) for s in hot
              if s.get("nox_upstream") is not None and s.get("nox_downstream") is not None]  # fmt: skip
    upstream = sum(max(up, 0.0) for up, _ in paired)
    efficiency = 1 - sum(max(d, 0.0) for _, d in paired) / upstream if upstream > 0 else None
    fixes = [s["position_valid"] for s in samples if "position_valid" in s]
    return Reading(
        at, frame,
        mil=obd[0] if obd else None,
        fault_codes=tuple(obd[1]) if obd and obd[1] is not None else None,
        urea_lowest=min(urea) if urea else None,
        nox_down_warm_highest=max(down) if down else None,
        warm_efficiency=round(efficiency, 4) if efficiency is not None else None,
        dpf_highest=max(dpf) if dpf else None,
        position_valid=any(fixes) if fixes else None,
        tamper=tamper,
    )  # fmt: skip


def changes(open_kinds: set[str], now: Reading, previous_codes: tuple[str, ...] | None, last_fix_at: datetime | None,
            params: dict) -> list[Change]:  # fmt: skip
    """What `now` does to the terminal's alarms, given those open."""
    found: list[Change] = []

    def judge(kind: str, raised: bool | None, value=None, threshold=None, **detail) -> None:
        if raised is None:
            return
        if raised:
            found.append(Change(kind, "seen" if kind in open_kinds else "open", value, threshold, detail))
        elif kind in open_kinds:
            found.append(Change(kind, "close", value, threshold))

    judge("mil", now.mil)
    if now.fault_codes is not None:
        new = sorted(set(now.fault_codes) - set(previous_codes or ()))
        if new:
            judge("fault_codes", True, len(now.fault_codes), None, new=new, codes=list(now.fault_codes))
        elif not now.fault_codes:
            judge("fault_codes", False)
        elif "fault_codes" in open_kinds:
            judge("fault_codes", True, len(now.fault_codes), None, codes=list(now.fault_codes))
    if now.urea_lowest is not None:
        empty, low = params.get("urea_empty_percent", 2.0), params.get("urea_low_percent", 10.0)
        judge("urea_empty", now.urea_lowest <= empty, now.urea_lowest, empty)
        judge("urea_low", empty < now.urea_lowest <= low, now.urea_lowest, low)
    if now.nox_down_warm_highest is not None:
        high = params.get("nox_high_ppm", 500.0)
        judge("nox_high", now.nox_down_warm_highest > high, now.nox_down_warm_highest, high)
    if now.warm_efficiency is not None:
        low = params.get("scr_efficiency_low", 0.5)
        judge("scr_low", now.warm_efficiency < low, now.warm_efficiency, low)
    if now.dpf_highest is not None:
        high = params.get("dpf_pressure_high_kpa", 50.0)
        judge("dpf", now.dpf_highest > high, now.dpf_highest, high)
    if now.tamper:
        judge("tamper", True)
    if now.position_valid is not None:
        hours = params.get("position_invalid_hours", 24)
        lost = not now.position_valid and last_fix_at is not None and now.at - last_fix_at > timedelta(hours=hours)
        judge("position", lost if not now.position_valid else False, None, hours)
    return found
