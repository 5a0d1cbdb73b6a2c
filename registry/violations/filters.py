"""The filters violations and cases share, on the columns each copies from its pass (time, gate,
firm, plate, alert level) and its own status: a search reads one index of one table, never the passes."""

from sqlalchemy import false, select

from registry.accounts.auth import own_firm_id
from registry.common.time import local_day_bounds
from registry.extensions import db
from registry.firms.services import firm_ids_named
from registry.gates.models import Gate
from registry.identifiers.plates import normalise_plate


def day_bounds(args: dict) -> tuple:
    """The search's first and last local days as moments (None where not asked)."""
    start = local_day_bounds(args["from_"])[0] if args.get("from_") else None
    end = local_day_bounds(args["to"])[1] if args.get("to") else None
    return start, end


def by_pass(query, model, actor, args: dict):
    """`model` (Violation or Case) filtered by what it carries of its pass; a firm user's own only."""
    own = own_firm_id(actor)
    if own is not None:
        query = query.where(model.firm_id == own)
    if args.get("firm_id"):
        query = query.where(model.firm_id == args["firm_id"])
    if args.get("firm"):
        query = query.where(model.firm_id.in_(firm_ids_named(args["firm"])))
    if args.get("plate"):
        query = query.where(model.plate == normalise_plate(args["plate"]))
    if args.get("no_plate") is not None:
        query = query.where((model.plate == "") if args["no_plate"] else (model.plate != ""))
    if args.get("plate_prefix"):
        query = query.where(model.plate.startswith(normalise_plate(args["plate_prefix"]), autoescape=True))
    if args.get("gate"):
        gate_id = db.session.scalar(select(Gate.id).where(Gate.code == args["gate"]))
        query = query.where(model.gate_id == gate_id if gate_id is not None else false())
    for key in ("status", "alert_level"):
        if args.get(key):
            query = query.where(getattr(model, key) == args[key])
    start, end = day_bounds(args)
    if start:
        query = query.where(model.captured_at >= start)
    if end:
        query = query.where(model.captured_at < end)
    return query
