"""The relay: each target gets the outbox after its cursor, a batch at a time, in order.

A target's row is locked while its batch is sent (FOR UPDATE SKIP LOCKED), so that two relays, on two
hosts, never send one target two batches at once. The cursor moves in the transaction that records
the target's answer: a batch whose answer was lost (the relay or the database died) is sent again,
and the target keeps each record once by its key. A failure pauses the target, longer each time."""

import logging
import random
import threading
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from registry.common.time import utcnow
from registry.extensions import db
from registry.uplink.models import UplinkTarget
from registry.uplink.outbox import next_batch
from registry.uplink.records import build_records
from registry.uplink.transports import TRANSPORTS

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
    try:
        records = build_records(config["UPLINK_SOURCE"], batch)
        TRANSPORTS[target.transport](target, config["UPLINK_SOURCE"], records, config["UPLINK_TIMEOUT_SECONDS"])
    except Exception as exc:
        log.warning("uplink to %s failed: %s", target.name, exc)
        target.failures += 1
        target.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        target.last_error_at = utcnow()
        target.next_attempt_at = utcnow() + backoff(target.failures, config["UPLINK_BACKOFF_MAX_SECONDS"])
        db.session.commit()
        return 0
    target.cursor_tx, target.cursor_id = batch[-1].tx_id, batch[-1].id
    target.delivered += len(batch)
    target.last_success_at = utcnow()
    target.failures, target.next_attempt_at = 0, None
    db.session.commit()
    return len(batch)


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
