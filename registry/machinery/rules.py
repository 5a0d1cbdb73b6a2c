"""Pure rules for non-road machinery: smoke limits, site admission, registration deadlines, codes.

No Flask, no database: plain values in, plain values out. The limit table and the zone rules are data
(DOMAIN.md 5 marks them unconfirmed); these functions only apply whatever rows the bureau keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ELECTRIC = "D"
STAGE_NAMES = {
    "1": ("国一", "China I"),
    "2": ("国二", "China II"),
    "3": ("国三", "China III"),
    "4": ("国四", "China IV"),
    "D": ("电动", "electric"),
    "X": ("无排放阶段", "no emission stage"),
}


@dataclass(frozen=True)
class SmokeBand:
    """One row of the GB 36886-2018 table: power_from_kw <= P < power_to_kw (None: no upper bound)."""

    limit_class: str
    power_from_kw: Decimal
    power_to_kw: Decimal | None
    k_limit: Decimal
    ringelmann_max: int | None


@dataclass(frozen=True)
class Zone:
    """What a kind of site admits."""

    code: str
    name_zh: str
    name_en: str
    barred_stages: frozenset[str]
    bar_failed_inspection: bool
    smoke_classes: dict[str, str]  # emission stage -> limit class


@dataclass(frozen=True)
class Refusal:
    """Why a machine may not be declared at a site, in both languages."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class SmokeResult:
    result: str  # pass or fail
    band: SmokeBand


def smoke_class(zone: Zone, stage: str) -> str | None:
    """The limit class a machine of `stage` is held to in `zone`; None when no smoke test applies."""
    return zone.smoke_classes.get(stage)


def smoke_band(bands: list[SmokeBand], limit_class: str, power_kw: Decimal) -> SmokeBand | None:
    """The band of `limit_class` that covers `power_kw`."""
    for band in bands:
        if band.limit_class != limit_class or power_kw < band.power_from_kw:
            continue
        if band.power_to_kw is None or power_kw < band.power_to_kw:
            return band
    return None


def judge_smoke(k: Decimal, ringelmann: int | None, band: SmokeBand) -> SmokeResult:
    """A reading at the limit passes; above it, or darker than the Ringelmann grade allowed, fails."""
    too_dark = ringelmann is not None and band.ringelmann_max is not None and ringelmann > band.ringelmann_max
    return SmokeResult("fail" if k > band.k_limit or too_dark else "pass", band)


def site_refusals(
    *,
    status: str,
    owner_unit_id: int,
    declaring_unit_id: int,
    emission_stage: str,
    latest_inspection: str | None,
    zone: Zone,
) -> list[Refusal]:
    """Every reason a machine may not be declared at a site of `zone` (empty: it may)."""
    refusals = []
    if status != "approved":
        refusals.append(
            Refusal(
                "not_approved",
                f"该机械未取得登记编码（当前状态：{status}）",
                f"the machine is not registered (status: {status})",
            )
        )
    if owner_unit_id != declaring_unit_id:
        refusals.append(Refusal("other_unit", "该机械属于其他单位", "the machine belongs to another unit"))
    if emission_stage in zone.barred_stages:
        stage_zh, stage_en = STAGE_NAMES[emission_stage]
        refusals.append(
            Refusal(
                "stage_barred",
                f"{stage_zh}机械禁止进入{zone.name_zh}",
                f"{stage_en} machinery is barred from a {zone.name_en}",
            )
        )
    if zone.bar_failed_inspection and latest_inspection == "fail":
        refusals.append(
            Refusal(
                "failed_inspection",
                "该机械最近一次抽检不合格，禁止进入该区域",
                "the machine failed its latest smoke inspection and is barred from this zone",
            )
        )
    return refusals


def registration_overdue(status: str, acquisition_date: date | None, today: date, days: int) -> bool:
    """Acquired more than `days` ago and still without a registration code (pending or rejected)."""
    if status not in ("pending", "rejected") or acquisition_date is None:
        return False
    return today - acquisition_date > timedelta(days=days)


def registration_code(template: str, district: str, year: int, serial: int) -> str:
    """The code for the `serial`-th registration of `year`, e.g. "{district}{year}{serial:06d}"."""
    return template.format(district=district, year=year, serial=serial)


def code_scope(template: str, district: str, year: int) -> str:
    """Serials count per scope: per district and year when the code shows the year, else per district."""
    return f"{district}:{year}" if "{year" in template else district
