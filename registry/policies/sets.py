"""Which policy set a verdict names, and which policies a set holds.

A set's id is derived from its policies (63 bits of their digest), so naming a set needs no query
and the id says the same thing in every process and database. The row is written, if missing, in
the transaction of the first verdict that names it there (INSERT ... ON CONFLICT DO NOTHING: concurrent
writers of one set agree), so that a rolled-back batch leaves nothing named and nothing missing."""

import json

from sqlalchemy import Connection, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.extensions import db
from registry.policies.models import PolicySet
from registry.policies.set_ids import IDS_OF_SET as _IDS_OF_SET
from registry.policies.set_ids import set_id_of

_ENSURED = "policy_sets_ensured"  # the sets written or found in the session's current transaction
ENSURE_SQL = "INSERT INTO policy_sets (id, policy_ids) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING"


def policy_ids_of(set_id: int | None) -> list[int]:
    """The policies of a set (an empty list for a verdict that names none)."""
    if set_id is None:
        return []
    ids = _IDS_OF_SET.get(set_id)
    if ids is None:
        ids = db.session.execute(select(PolicySet.policy_ids).where(PolicySet.id == set_id)).scalar_one()
        _IDS_OF_SET[set_id] = list(ids)
    return list(ids)


def to_ensure(session: Session, set_ids) -> list[tuple[int, str]]:
    """Of these sets, those not yet written or found in this transaction, as (id, policies as JSON)
    rows for ENSURE_SQL; they count as ensured from now on (the caller writes them)."""
    ensured = session.info.setdefault(_ENSURED, set())
    rows = [(i, json.dumps(_IDS_OF_SET[i])) for i in dict.fromkeys(set_ids) if i is not None and i not in ensured]
    ensured.update(i for i, _ in rows)
    return rows


def ensure(session: Session, set_ids) -> None:
    """Write the sets this transaction has not written or found yet (through the ORM's connection)."""
    rows = to_ensure(session, set_ids)
    if rows:
        ensure_rows(session.connection(), rows)


def ensure_rows(connection: Connection, rows: list[tuple[int, str]]) -> None:
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    values = [{"id": i, "policy_ids": _IDS_OF_SET[i]} for i, _ in rows]
    connection.execute(insert(PolicySet.__table__).on_conflict_do_nothing(), values)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_ENSURED, None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    session.info.pop(_ENSURED, None)


__all__ = ["ENSURE_SQL", "ensure", "ensure_rows", "policy_ids_of", "set_id_of", "to_ensure"]
