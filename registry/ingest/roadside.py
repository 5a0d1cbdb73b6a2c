"""Stage 3's roadside facts at road checkpoints (registry.ingest.gather calls these in its one round of
queries, only for a batch with a checkpoint's reads): the zones each checkpoint enforces and the plates'
permits over the batch's days. Plain values out (registry.rules' dataclasses)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from registry.extensions import db
from registry.rules.zones import PermitFacts, ZoneFacts
from registry.zones.models import RestrictionZone, ZonePermit, zone_checkpoints


def zone_facts(zone: RestrictionZone) -> ZoneFacts:
    """A zone row as the rules see it."""
    return ZoneFacts(
        zone.id, zone.name, zone.clause, zone.season_from, zone.season_to, zone.hours_from, zone.hours_to,
        tuple(zone.alert_levels or ()), tuple(zone.vehicle_classes or ()), zone.max_stage,
        tuple(zone.fuel_types or ()), zone.origin, tuple(zone.local_prefixes or ()), zone.effective_from,
        zone.effective_to,
    )  # fmt: skip


def permit_facts(permit: ZonePermit) -> PermitFacts:
    return PermitFacts(
        permit.number, permit.kind, permit.zone_id, permit.valid_from, permit.valid_to, permit.hours_from,
        permit.hours_to, permit.route,
    )  # fmt: skip


def zones_at(checkpoint_ids: list[int]) -> dict[int, list[ZoneFacts]]:
    """The active zones each checkpoint enforces."""
    if not checkpoint_ids:
        return {}
    query = (
        select(zone_checkpoints.c.gate_id, RestrictionZone)
        .join(RestrictionZone, RestrictionZone.id == zone_checkpoints.c.zone_id)
        .where(zone_checkpoints.c.gate_id.in_(checkpoint_ids), RestrictionZone.active.is_(True))
        .order_by(RestrictionZone.id)
    )
    found = defaultdict(list)
    for gate_id, zone in db.session.execute(query):
        found[gate_id].append(zone_facts(zone))
    return dict(found)


def permits_of(plates: list[str], first: date, last: date) -> dict[str, list[PermitFacts]]:
    """The plates' permits not revoked whose days meet [first, last]."""
    if not plates:
        return {}
    query = select(ZonePermit).where(
        ZonePermit.plate.in_(plates),
        ZonePermit.revoked_at.is_(None),
        ZonePermit.valid_from <= last,
        ZonePermit.valid_to >= first,
    )
    found = defaultdict(list)
    for permit in db.session.scalars(query.order_by(ZonePermit.id)):
        found[permit.plate].append(permit_facts(permit))
    return dict(found)
