"""The relay: each target gets the outbox after its cursor, a batch at a time, in order.

On PostgreSQL a target's row is locked while its batch is sent (FOR UPDATE SKIP LOCKED), so that two
relays, on two hosts, never send one target two batches at once. The cursor moves with the target's
answer, in one write that also checks the cursor is where the batch began: a batch whose answer was lost
(the relay or the database died) is sent again, and the target keeps each record once by its key; a 2xx
is never lost to a busy database (on SQLite the write waits its turn behind the gates' batches). A
failure pauses the target, longer each time."""

import logging
import random
import threading
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from registry.common.time import utcnow
from registry.extensions import db, write_transactions
from registry.uplink.models import UplinkTarget
from registry.uplink.outbox import next_batch
from registry.uplink.records import build_records
from registry.uplink.transports import TRANSPORTS, DeliveryError, Outbound

log = logging.getLogger(__name__)


def backoff(failures: int, cap_seconds: int) -> timedelta:
    """2, 4, 8 ... seconds, a fifth either way so that relays do not beat in step, up to the cap."""
    return timedelta(seconds=min(cap_seconds, 2 ** min(failures, 20) * random.uniform(0.8, 1.2)))


def relay_target(target_id: int, now: datetime | None = None) -> int:
    """Send one target its next batch and record the answer; commits. The number of records it took
    (0: nothing due, another relay holds it, or it failed)."""
    config = current_app.config
    now = now or utcnow()
    target = db.session.scalar(
        select(UplinkTarget).where(UplinkTarget.id == target_id, UplinkTarget.enabled).with_for_update(skip_locked=True)
    )
    if target is None or (target.next_attempt_at is not None and target.next_attempt_at > now):
        db.session.rollback()
        return 0
    batch = next_batch(target)
    if not batch:
        db.session.rollback()
        return 0
    position, last = (target.cursor_tx, target.cursor_id), (batch[-1].tx_id, batch[-1].id)
    failures, name, transport = target.failures, target.name, TRANSPORTS[target.transport]
    records = build_records(config["UPLINK_SOURCE"], batch)
    if db.session.get_bind().dialect.name != "postgresql":
        # SQLite: no read transaction stays open while the batch is away. Its snapshot would be stale
        # by the answer (the gates write meanwhile), and writing on it fails at once ("database is
        # locked"): the batch, taken, would be sent again. The answer is recorded in a write of its own.
        db.session.expunge(target)
        db.session.rollback()
    try:
        outbound = Outbound(config["OUTBOUND_PRIVATE_HOSTS"], Path(config["UPLINK_CA_DIR"]))
        transport(target, config["UPLINK_SOURCE"], records, config["UPLINK_TIMEOUT_SECONDS"], outbound)
    except Exception as exc:
        log.warning("uplink to %s failed: %s", name, exc)
        pause = backoff(failures + 1, config["UPLINK_BACKOFF_MAX_SECONDS"])
        if isinstance(exc, DeliveryError):
            error, detail = f"{exc.zh} / {exc.en}", exc.detail
        else:
            error, detail = "发送失败 / sending failed", f"{type(exc).__name__}: {exc}"[:2000]
        _record(target_id, position, failures=UplinkTarget.failures + 1, last_error=error, last_error_detail=detail,
                last_error_at=utcnow(), next_attempt_at=utcnow() + pause)  # fmt: skip
        return 0
    taken = _record(
        target_id, position, cursor_tx=last[0], cursor_id=last[1], delivered=UplinkTarget.delivered + len(batch),
        last_success_at=utcnow(), failures=0, next_attempt_at=None,
    )  # fmt: skip
    return len(batch) if taken else 0


def _record(target_id: int, position: tuple[int, int], **values) -> bool:
    """Record a batch's answer on the target, in one short write that waits its turn (SQLite: BEGIN
    IMMEDIATE behind the gates' batches), and only if its cursor is still where the batch began (a relay
    on another host that took the target meanwhile is not overwritten). Commits; True when recorded."""
    with write_transactions():
        table = UplinkTarget.__table__
        done = db.session.execute(
            table.update()
            .where(table.c.id == target_id, table.c.cursor_tx == position[0], table.c.cursor_id == position[1])
            .values(**values)
        )
        db.session.commit()
    return done.rowcount == 1


def relay_round() -> bool:
    """One batch to every enabled target; True when some target had a full batch (more may wait)."""
    targets = db.session.execute(select(UplinkTarget.id, UplinkTarget.batch_size).where(UplinkTarget.enabled)).all()
    db.session.rollback()
    more = False
    for target_id, batch_size in targets:
        more |= relay_target(target_id) >= batch_size
    return more


def run_relay(stop: threading.Event, poll_seconds: float) -> None:
    """Relay until `stop` is set: at once while batches are full, else every `poll_seconds`. A database
    that is gone is waited for; nothing here ends the loop but `stop`."""
    while not stop.is_set():
        try:
            more = relay_round()
        except SQLAlchemyError as exc:
            log.warning("uplink relay: database error, retrying: %s", exc)
            db.session.rollback()
            more = False
        finally:
            db.session.remove()
        if not more:
            stop.wait(poll_seconds)
