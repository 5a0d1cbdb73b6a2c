"""The filters violations and cases share, on the columns each copies from its pass (time, gate,
firm, plate, alert level) and its own status: a search reads one index of one table, never the passes."""

from sqlalchemy import false, select, text

from registry.accounts.auth import own_firm_id
from registry.common.time import local_day_bounds
from registry.extensions import db
from registry.firms.services import firm_ids_named
from registry.gates.models import Gate
from registry.identifiers.plates import normalise_plate
from registry.statistics.spans import violations_counted


def day_bounds(args: dict) -> tuple:
    """The search's first and last local days as moments (None where not asked)."""
    start = local_day_bounds(args["from_"])[0] if args.get("from_") else None
    end = local_day_bounds(args["to"])[1] if args.get("to") else None
    return start, end


def by_pass(query, model, actor, args: dict):
    """`model` (Violation or Case) filtered by what it carries of its pass; a firm user's own only. The
    caller filters by rule; a search combining its rule, alert level, gate and firm answers none at once
    where the daily counts hold no violation of them all on its days (registry.statistics.spans)."""
    counted = {key: args[key] for key in ("rule", "alert_level") if args.get(key)}
    firms = []
    own = own_firm_id(actor)
    if own is not None:
        query = query.where(model.firm_id == own)
        firms.append({own})
    if args.get("firm_id"):
        query = query.where(model.firm_id == args["firm_id"])
        firms.append({args["firm_id"]})
    if args.get("firm"):
        named = firm_ids_named(args["firm"])
        query = query.where(model.firm_id.in_(named))
        firms.append(set(named))
    if firms:
        counted["firm_ids"] = sorted(set.intersection(*firms))
    if args.get("plate"):
        query = query.where(model.plate == normalise_plate(args["plate"]))
    if args.get("no_plate") is not None:
        query = query.where((model.plate == "") if args["no_plate"] else (model.plate != ""))
    if args.get("plate_prefix"):
        query = query.where(starts_with(model.plate, normalise_plate(args["plate_prefix"])))
    if args.get("gate"):
        gate_id = db.session.scalar(select(Gate.id).where(Gate.code == args["gate"]))
        query = query.where(model.gate_id == gate_id if gate_id is not None else false())
        if gate_id is not None:
            counted["gate_id"] = gate_id
    for key in ("status", "alert_level"):
        if args.get(key):
            query = query.where(getattr(model, key) == args[key])
    start, end = day_bounds(args)
    if start:
        query = query.where(model.captured_at >= start)
    if end:
        query = query.where(model.captured_at < end)
    # one filter alone: its own index finds its rows, or that there are none, at once
    if len(counted) >= 2 and not violations_counted(counted, start, end):
        query = query.where(false())
    return query


def starts_with(column, prefix: str):
    """`column` starts with `prefix`: as a range of the plate index where the database orders text by
    code point (SQLite; PostgreSQL under C or C.UTF-8), which an index answers at once, found or not;
    elsewhere as LIKE (PostgreSQL uses an index for LIKE only under the C collation)."""
    if not prefix or ord(prefix[-1]) >= 0x10FFFF or not code_point_order():
        return column.startswith(prefix, autoescape=True)
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return (column >= prefix) & (column < following)


def code_point_order() -> bool:
    """Whether the database compares text by code point (cached per engine)."""
    bind = db.session.get_bind()
    engine = getattr(bind, "engine", bind)  # a Connection where a test holds one
    known = _ORDERS.get(engine.url)
    if known is None:
        if engine.dialect.name != "postgresql":
            known = True  # SQLite's BINARY collation
        else:
            collation = db.session.scalar(text("SELECT datcollate FROM pg_database WHERE datname = current_database()"))
            known = collation in ("C", "POSIX") or collation.lower().replace("-", "") == "c.utf8"
        _ORDERS[engine.url] = known
    return known


_ORDERS: dict = {}
