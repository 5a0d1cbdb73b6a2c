"""Writing to the outbox with the pass, and reading it in order after a target's cursor.

The order is (tx_id, id). On PostgreSQL ids are taken from a sequence as transactions go and commit in
any order, so a reader that followed ids alone could pass a row whose transaction commits later and
never send it. Its tx_id is the writing transaction's id, and the relay reads only rows whose
transaction is older than every transaction still running (pg_snapshot_xmin): every row it reads was
committed, and any row committed later sorts after them. A long writing transaction holds the relay
back until it ends; nothing is skipped."""

from datetime import datetime

from sqlalchemy import func, select, text, tuple_

from registry.extensions import db
from registry.uplink.models import UplinkRecord, UplinkTarget
from registry.uplink.rows import PASS

_FINISHED = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
TX_ID_DEFAULT = "(pg_current_xact_id()::text)::bigint"  # PostgreSQL's column default (migration 0024)


def forward_pass(pass_id: int, pass_at: datetime) -> None:
    """Put a stored pass whose ledger row changed (a weighbridge ticket matched to it) into the outbox."""
    db.session.add(UplinkRecord(kind=PASS, plate_event_id=pass_id, pass_at=pass_at))


def after_cursor(target: UplinkTarget):
    """The outbox rows the target has not taken, in order, of transactions that have all ended."""
    query = select(UplinkRecord).where(
        tuple_(UplinkRecord.tx_id, UplinkRecord.id) > tuple_(target.cursor_tx, target.cursor_id)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.where(UplinkRecord.tx_id < _FINISHED)
    return query.order_by(UplinkRecord.tx_id, UplinkRecord.id)


def next_batch(target: UplinkTarget) -> list[UplinkRecord]:
    return list(db.session.scalars(after_cursor(target).limit(target.batch_size)))


def backlog(target: UplinkTarget, cap: int) -> int:
    """How many records wait for the target, counted up to `cap`."""
    waiting = after_cursor(target).with_only_columns(UplinkRecord.id).limit(cap).subquery()
    return db.session.scalar(select(func.count()).select_from(waiting))


def prune(keep_before: datetime) -> int:
    """Delete the records every enabled target has taken; with no enabled target, those older than
    `keep_before` (a target added soon after still gets the recent ones)."""
    cursors = db.session.execute(
        select(UplinkTarget.cursor_tx, UplinkTarget.cursor_id).where(UplinkTarget.enabled)
    ).all()
    table = UplinkRecord.__table__
    if cursors:
        lowest = min(tuple(c) for c in cursors)
        condition = tuple_(table.c.tx_id, table.c.id) <= tuple_(*lowest)
    else:
        condition = table.c.created_at < keep_before
    return db.session.execute(table.delete().where(condition)).rowcount
