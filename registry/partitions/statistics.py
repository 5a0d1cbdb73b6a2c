"""Statistics of the months being written, kept where autovacuum does not keep them.

A month's partitions are made empty, and ANALYZE of a partitioned table (the migrations', `flask
partitions ensure`'s) reaches every partition: the planner then takes the months to come for empty. The
plans a connection caches on that belief stay until the table's statistics change, among them the
foreign-key checks run for every row the gate writes (a child month's row against its pass): they scan
the whole month, slower with every pass written (a drain fell from 1,350 to 440 passes a second so).
Autovacuum analyzes a partition once 50 rows and a tenth of it have changed since, and every cached plan
is made again; where autovacuum is off, the gateway does the same for the tables it writes, each time
such a month has doubled (`analyze_stale`, every STATISTICS_EVERY seconds, on a connection of its own)."""

from __future__ import annotations

import logging

from sqlalchemy import text

from registry.extensions import db
from registry.partitions.services import TABLES

log = logging.getLogger(__name__)
STATISTICS_EVERY = 1.0  # seconds between looks: one catalogue query
# Taken again once 50 rows and as many as the statistics knew have changed since: at 50, 100, 200, 400...
# rows, so that a month analysed empty is known for what it is within a second, without an ANALYZE every
# few seconds (autovacuum's tenth) competing with the gate's batches for the CPU: the plans that matter
# here (a key looked up in a month) do not change with a month's size once it is known not to be empty.
BASE, SCALE = 50, 1.0

_STALE = text(
    "SELECT c.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
    "JOIN pg_inherits i ON i.inhrelid = s.relid JOIN pg_class p ON p.oid = i.inhparent "
    "WHERE p.relname = ANY(:parents) AND s.n_mod_since_analyze > :base + :scale * greatest(c.reltuples, 0) "
    "ORDER BY c.relname"
)


def autovacuum_on() -> bool:
    return db.session.scalar(text("SELECT current_setting('autovacuum')")) == "on"


def stale_partitions() -> list[str]:
    """Partitions of the pass tables changed by more than BASE + SCALE times their size since their
    statistics were taken."""
    parents = [table for table, _ in TABLES]
    return list(db.session.scalars(_STALE, {"parents": parents, "base": BASE, "scale": SCALE}))


def analyze_stale(force: bool = False) -> list[str]:
    """ANALYZE the stale partitions when autovacuum is off (or `force`); the ones analyzed. PostgreSQL
    only; runs in the caller's transaction, which should hold nothing else (ANALYZE takes a lock that
    writers do not wait for, and is over in a fraction of a second per month)."""
    if db.session.get_bind().dialect.name != "postgresql" or not (force or not autovacuum_on()):
        return []
    stale = stale_partitions()
    for name in stale:
        db.session.execute(text(f'ANALYZE "{name}"'))
    if stale:
        log.info("statistics taken again for %s", ", ".join(stale))
    return stale
