"""Smoke inspections (抽检) against the GB 36886-2018 limit table kept as data, and the zone rules."""

from sqlalchemy import select

from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError
from registry.common.i18n import t
from registry.common.services import not_found
from registry.extensions import db
from registry.machinery import rules
from registry.machinery.models import Inspection, InspectionResult, Machinery, MachineryStatus, SmokeLimit, ZoneRule
from registry.sites.models import Site

GENERAL, LOW_EMISSION = "general", "low_emission"


def zone_for(low_emission_zone: bool) -> rules.Zone:
    code = LOW_EMISSION if low_emission_zone else GENERAL
    row = db.session.get(ZoneRule, code)
    if row is None:
        raise Conflict(t(f"缺少区域规则 {code}", f"zone rule {code} is missing; the bureau must restore it"))
    return rules.Zone(
        code=row.code,
        name_zh=row.name_zh,
        name_en=row.name_en,
        barred_stages=frozenset(row.barred_stages),
        bar_failed_inspection=row.bar_failed_inspection,
        smoke_classes=dict(row.smoke_classes),
    )


def smoke_bands() -> list[rules.SmokeBand]:
    rows = db.session.scalars(select(SmokeLimit).order_by(SmokeLimit.limit_class, SmokeLimit.power_from_kw))
    return [rules.SmokeBand(r.limit_class, r.power_from_kw, r.power_to_kw, r.k_limit, r.ringelmann_max) for r in rows]


def latest_inspection(machinery: Machinery) -> Inspection | None:
    return db.session.scalar(
        select(Inspection)
        .where(Inspection.machinery_id == machinery.id)
        .order_by(Inspection.inspected_at.desc(), Inspection.id.desc())
        .limit(1)
    )


def latest_result(machinery: Machinery) -> str | None:
    inspection = latest_inspection(machinery)
    return inspection.result.value if inspection else None


def record_inspection(actor, machinery: Machinery, data: dict) -> Inspection:
    """Record a smoke test; the result is computed against the limit for the machine's class and power."""
    if machinery.status != MachineryStatus.APPROVED:
        raise Conflict(t("只能抽检已登记的机械", "only registered machinery is inspected"), "registration_code")
    site = None
    if data.get("site_id") is not None:
        site = db.session.get(Site, data["site_id"])
        if site is None:
            raise not_found("工地", "site", "site_id")
    low_emission = site.low_emission_zone if site else bool(data.get("low_emission_zone"))
    zone = zone_for(low_emission)
    stage = machinery.emission_stage.value
    limit_class = rules.smoke_class(zone, stage)
    if limit_class is None:
        raise DomainError(t("电动机械不做烟度抽检", "electric machinery has no smoke test"), "registration_code")
    band = rules.smoke_band(smoke_bands(), limit_class, machinery.rated_power_kw)
    if band is None:
        raise Conflict(
            t(
                f"限值表缺少 {limit_class} 类、{machinery.rated_power_kw} kW 的限值，请先补充",
                f"the limit table has no class {limit_class} row for {machinery.rated_power_kw} kW; add it first",
            )
        )
    judged = rules.judge_smoke(data["k"], data.get("ringelmann"), band)
    inspection = Inspection(
        machinery_id=machinery.id,
        inspected_at=data["inspected_at"],
        place=data.get("place") or (site.name if site else None),
        k=data["k"],
        ringelmann=data.get("ringelmann"),
        limit_k=band.k_limit,
        limit_class=band.limit_class,
        limit_ringelmann=band.ringelmann_max,
        result=InspectionResult(judged.result),
        inspector_id=actor.id,
        site_id=site.id if site else None,
        zone=zone.code,
    )
    db.session.add(inspection)
    db.session.flush()
    record_change(
        actor,
        "inspect",
        "machinery",
        machinery.id,
        after={"k": str(inspection.k), "limit": str(band.k_limit), "class": band.limit_class, "result": judged.result},
    )
    return inspection


def inspections_query(machinery: Machinery):
    return (
        select(Inspection)
        .where(Inspection.machinery_id == machinery.id)
        .order_by(Inspection.inspected_at.desc(), Inspection.id.desc())
    )
