"""限行区域 at a road checkpoint (RESTRICTION_ZONE, plan clause 18): does a truck read at a checkpoint
break a zone's rule at that moment, and is it covered by a permit. A zone's rule is its own data
(registry.zones): a season, hours and alert levels; vehicle classes, an emission stage (banned at and
below), fuels and the plate's origin (local or transit, by its prefix). A truck the registry does not
know counts as a goods vehicle by its plate colour; its stage, unknown, is a question for a person (the
policy says so), never a case on its own. A valid electronic pass or exemption turns a breach into an
information note naming it. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from registry.common.time import LOCAL_TZ
from registry.rules.facts import AlertFacts, Finding, Policy, VehicleFacts
from registry.rules.stages import NEW_ENERGY, at_most, stage_name_en, stage_name_zh

RULE = "RESTRICTION_ZONE"


@dataclass(frozen=True)
class ZoneFacts:
    """A zone's rule as a checkpoint that enforces it applies it."""

    id: int
    name: str
    clause: str
    season_from: str | None = None  # "MM-DD"
    season_to: str | None = None
    hours_from: str | None = None  # "HH:MM"
    hours_to: str | None = None
    alert_levels: tuple[str, ...] = ()
    vehicle_classes: tuple[str, ...] = ()
    max_stage: str | None = None
    fuel_types: tuple[str, ...] = ()
    origin: str = "transit"  # transit, local, any
    local_prefixes: tuple[str, ...] = ()
    effective_from: date = date.min
    effective_to: date | None = None


@dataclass(frozen=True)
class PermitFacts:
    """An electronic pass (电子通行证) or exemption (豁免) of one plate."""

    number: str
    kind: str  # pass, exemption
    zone_id: int | None  # None: every zone
    valid_from: date
    valid_to: date
    hours_from: str | None = None
    hours_to: str | None = None
    route: str | None = None


@dataclass(frozen=True)
class Breach:
    zone: ZoneFacts
    permit: PermitFacts | None = None
    unknown_stage: bool = False


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def within(value, start, end) -> bool:
    """start <= value < end, where a span whose end is not after its start runs over the boundary
    (22:00-06:00 over midnight, 10-01 to 03-31 over the new year)."""
    if start <= end:
        return start <= value < end if start != end else True
    return value >= start or value < end


def in_hours(moment: datetime, hours_from: str | None, hours_to: str | None) -> bool:
    if not hours_from or not hours_to:
        return True
    return within(moment.astimezone(LOCAL_TZ).time(), _clock(hours_from), _clock(hours_to))


def in_season(day: date, season_from: str | None, season_to: str | None) -> bool:
    if not season_from or not season_to:
        return True
    today = f"{day.month:02d}-{day.day:02d}"
    return season_from <= today <= season_to if season_from <= season_to else today >= season_from or today <= season_to


def in_force(zone: ZoneFacts, moment: datetime, alerts: Sequence[AlertFacts]) -> bool:
    """Whether the zone's rule holds at the moment: its dates, season, hours and alert levels."""
    day = moment.astimezone(LOCAL_TZ).date()
    if day < zone.effective_from or (zone.effective_to is not None and day > zone.effective_to):
        return False
    if not in_season(day, zone.season_from, zone.season_to) or not in_hours(moment, zone.hours_from, zone.hours_to):
        return False
    if zone.alert_levels:
        levels = {a.level for a in alerts if a.starts_at <= moment < a.ends_at}
        return bool(levels & set(zone.alert_levels))
    return True


def origin_of(plate: str, local_prefixes: Sequence[str]) -> str:
    """local when the plate begins with one of the district's prefixes (晋H), else transit."""
    return "local" if any(plate.startswith(prefix) for prefix in local_prefixes) else "transit"


def permit_covers(permit: PermitFacts, zone: ZoneFacts, moment: datetime) -> bool:
    day = moment.astimezone(LOCAL_TZ).date()
    return (
        (permit.zone_id is None or permit.zone_id == zone.id)
        and permit.valid_from <= day <= permit.valid_to
        and in_hours(moment, permit.hours_from, permit.hours_to)
    )


def breaches(
    plate: str,
    colour: str | None,
    vehicle: VehicleFacts | None,
    stage: str | None,
    moment: datetime,
    zones: Sequence[ZoneFacts],
    permits: Sequence[PermitFacts],
    alerts: Sequence[AlertFacts],
    params,
) -> list[Breach]:
    """Each zone in force whose criteria the truck meets, with the permit that covers it, if any."""
    found = []
    for zone in zones:
        if not in_force(zone, moment, alerts):
            continue
        if zone.origin != "any" and origin_of(plate, zone.local_prefixes) != zone.origin:
            continue
        if vehicle is None:
            if colour not in params.get("unregistered_colours", ["yellow"]):
                continue
        else:
            if zone.vehicle_classes and vehicle.vehicle_class not in zone.vehicle_classes:
                continue
            if zone.fuel_types and vehicle.fuel_type not in zone.fuel_types:
                continue
        unknown = False
        if zone.max_stage is not None:
            if stage is None:
                if params.get("unknown_stage", "review") == "ignore":
                    continue
                unknown = True
            elif stage == NEW_ENERGY or not at_most(stage, zone.max_stage):
                continue
        permit = next((p for p in permits if permit_covers(p, zone, moment)), None)
        found.append(Breach(zone, permit, unknown))
    return found


def zone_findings(breaches_found: list[Breach], stage: str | None, policy: Policy) -> list[Finding]:
    """The findings a checkpoint pass carries: a breach (a police case), a question when the stage is not
    known, or a note naming the permit that let the truck in."""
    found = []
    for breach in breaches_found:
        zone = breach.zone
        detail = {"zone_id": zone.id, "zone": zone.name}
        if breach.permit is not None:
            permit = breach.permit
            detail |= {"permit": permit.number, "permit_kind": permit.kind}
            zh = f"{zone.name}：持{'电子通行证' if permit.kind == 'pass' else '豁免'} {permit.number} 通行"
            en = (
                f"{zone.name}: entered on {'electronic pass' if permit.kind == 'pass' else 'exemption'} {permit.number}"
            )
            found.append(Finding(RULE, "info", zh, en, zone.clause, policy.id, "PERMITTED", detail=detail))
        elif breach.unknown_stage:
            zh = f"{zone.name}限行时段内通过卡口，排放阶段不明（限行{stage_name_zh(zone.max_stage)}及以下），需人工核查"
            en = (
                f"{zone.name}: passed a checkpoint in the ban's hours, stage unknown "
                f"(banned: {stage_name_en(zone.max_stage)} and below): a person checks it"
            )
            found.append(Finding(RULE, "review", zh, en, zone.clause, policy.id, detail=detail))
        else:
            stage_zh = f"{stage_name_zh(stage)}" if stage else ""
            zh = f"{zone.name}限行时段内{stage_zh}货车通过卡口，违反限行规定"
            truck = f"{stage_name_en(stage)} truck" if stage else "truck"
            en = f"{zone.name}: a {truck} passed a checkpoint in the ban's hours"
            severity = policy.params.get("severity", "deny")
            found.append(Finding(RULE, severity, zh, en, zone.clause, policy.id, detail=detail))
    return found
