"""Emission stages (排放阶段) as MEE ledger codes: ordering and inference from a registration date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

NEW_ENERGY = "D"
ZERO_EMISSION_FUELS = frozenset({"electric", "hydrogen"})  # with no stage recorded, inferred as new energy
STAGE_NAMES_ZH = {
    "0": "国〇",
    "1": "国一",
    "2": "国二",
    "3": "国三",
    "4": "国四",
    "5": "国五",
    "6": "国六",
    "D": "新能源",
}
STAGE_NAMES_EN = {s: f"China {r}" for s, r in zip("0123456", ["0", "I", "II", "III", "IV", "V", "VI"], strict=True)} | {
    "D": "new energy"
}


def stage_name_zh(stage: str | None) -> str:
    return STAGE_NAMES_ZH.get(stage, "未知")


def stage_name_en(stage: str | None) -> str:
    return STAGE_NAMES_EN.get(stage, "unknown")


def at_least(stage: str, minimum: str) -> bool:
    """True when `stage` meets `minimum`; new energy meets every minimum."""
    if stage == NEW_ENERGY:
        return True
    if minimum == NEW_ENERGY:
        return False
    return int(stage) >= int(minimum)


def at_most(stage: str, maximum: str) -> bool:
    """True when a combustion `stage` is `maximum` or older; new energy never is."""
    return stage != NEW_ENERGY and int(stage) <= int(maximum)


def infer_stage(registration_date: date | None, fuel_type: str, cutovers: Mapping) -> str | None:
    """The stage every vehicle of this fuel registered on that date had to meet, from the cut-over
    table `{"diesel": [[date, stage], ...], "gas": [...], "default": [...]}` (policy data)."""
    if fuel_type in ZERO_EMISSION_FUELS:
        return NEW_ENERGY
    if registration_date is None:
        return None
    table = cutovers.get(fuel_type) or cutovers.get("default") or cutovers.get("diesel") or []
    stage = None
    for since, code in sorted((date.fromisoformat(d), s) for d, s in table):
        if registration_date >= since:
            stage = code
    return stage
