"""The suspected high-emitter list: assessed again whenever a plate gets new evidence (a valid result
over a limit, a capture confirmed), by the HIGH_EMITTER policy in force (registry.rules.emitters). A
listing stays until a person clears it with what was checked; evidence gathered later is added to it.
Flushes, never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from registry.accounts.auth import own_firm_id
from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError
from registry.common.i18n import t
from registry.common.text import text_problem
from registry.common.time import local_date, utcnow
from registry.emitters.models import HighEmitter
from registry.extensions import db
from registry.policies.services import policy_in_force
from registry.rules.emitters import Exceedance, months_before, suspected
from registry.vehicles.models import Vehicle

RULE = "HIGH_EMITTER"


def evidence_of(plates: list[str], since: datetime) -> dict[str, list[Exceedance]]:
    """Each plate's valid exceedances and confirmed captures since `since`."""
    from registry.sensing.models import SensingResult
    from registry.smoke.models import SmokeCapture

    found: dict[str, list[Exceedance]] = {plate: [] for plate in plates}
    results = select(SensingResult.id, SensingResult.plate, SensingResult.measured_at, SensingResult.exceeded).where(
        SensingResult.plate.in_(plates), SensingResult.measured_at >= since, SensingResult.valid.is_(True)
    )
    for record_id, plate, at, exceeded in db.session.execute(results):
        found[plate] += [Exceedance("sensing", record_id, at, pollutant) for pollutant in exceeded or []]
    captures = select(SmokeCapture.id, SmokeCapture.plate, SmokeCapture.captured_at).where(
        SmokeCapture.plate.in_(plates), SmokeCapture.captured_at >= since, SmokeCapture.status == "confirmed"
    )
    for record_id, plate, at in db.session.execute(captures):
        found[plate].append(Exceedance("smoke", record_id, at, "smoke"))
    return found


def reassess(plates: list[str], now: datetime | None = None) -> list[HighEmitter]:
    """List the plates the evidence now makes suspected high emitters (or add to their listing); the
    listings made or changed."""
    now = now or utcnow()
    policy = policy_in_force(RULE, local_date(now))
    if policy is None or not plates:
        return []
    evidence = evidence_of(plates, months_before(now, policy.params.get("window_months", 6)))
    listed = {e.plate: e for e in db.session.scalars(
        select(HighEmitter).where(HighEmitter.plate.in_(plates), HighEmitter.cleared_at.is_(None))
    )}  # fmt: skip
    vehicles = dict(db.session.execute(select(Vehicle.plate, Vehicle.id).where(Vehicle.plate.in_(plates))).all())
    changed = []
    for plate in plates:
        suspicion = suspected(evidence[plate], now, policy.params)
        if suspicion is None:
            continue
        items = [{"kind": e.kind, "id": e.record_id, "at": e.at.isoformat(), "pollutant": e.pollutant}
                 for e in suspicion.evidence]  # fmt: skip
        listing = listed.get(plate)
        if listing is None:
            listing = HighEmitter(plate=plate, vehicle_id=vehicles.get(plate), listed_at=now, policy_id=policy.id,
                                  reasons=list(suspicion.reasons), evidence=items)  # fmt: skip
            db.session.add(listing)
            db.session.flush()
            record_change(
                None, "listed", "high_emitter", listing.id, after={"plate": plate, "reasons": listing.reasons}
            )
            changed.append(listing)
        else:  # evidence gathered since is added to the listing (a result's id and a capture's may be equal)
            known = {(i["kind"], i["id"], i["pollutant"]) for i in listing.evidence}
            added = [i for i in items if (i["kind"], i["id"], i["pollutant"]) not in known]
            reasons = list(dict.fromkeys([*listing.reasons, *suspicion.reasons]))
            if added or reasons != listing.reasons:
                listing.evidence, listing.reasons = listing.evidence + added, reasons
                changed.append(listing)
    db.session.flush()
    return changed


def clear(actor, listing: HighEmitter, note: str) -> HighEmitter:
    """A person takes a truck off the list, saying what was checked (a roadside check passed, a repair)."""
    note = (note or "").strip()
    if not note:
        raise DomainError(t("请填写核查情况", "say what was checked"), "note")
    problem = text_problem(note, multiline=True)
    if problem:
        raise DomainError(t(*problem), "note")
    if listing.cleared_at is not None:
        raise Conflict(t("该车辆已移出名单", "already off the list"), "note")
    listing.cleared_at, listing.cleared_by_id, listing.clear_note = utcnow(), getattr(actor, "id", None), note[:1000]
    record_change(actor, "cleared", "high_emitter", listing.id, after={"plate": listing.plate, "note": note})
    return listing


def listings_query(args: dict, actor=None):
    """Listed trucks (or cleared, or all), newest first; a firm user sees its own trucks only."""
    query = select(HighEmitter).order_by(HighEmitter.listed_at.desc(), HighEmitter.id.desc())
    status = args.get("status") or "listed"
    if status == "listed":
        query = query.where(HighEmitter.cleared_at.is_(None))
    elif status == "cleared":
        query = query.where(HighEmitter.cleared_at.is_not(None))
    if args.get("plate"):
        query = query.where(HighEmitter.plate == args["plate"].strip().upper())
    own = own_firm_id(actor)
    if own is not None:
        query = query.join(Vehicle, Vehicle.id == HighEmitter.vehicle_id).where(Vehicle.firm_id == own)
    return query


def listed_trucks_of(firm_id: int) -> list[HighEmitter]:
    """The open listings of the trucks a firm registered (what its portal tells it)."""
    query = (
        select(HighEmitter)
        .join(Vehicle, Vehicle.id == HighEmitter.vehicle_id)
        .where(Vehicle.firm_id == firm_id, HighEmitter.cleared_at.is_(None))
        .order_by(HighEmitter.plate)
    )
    return list(db.session.scalars(query))
