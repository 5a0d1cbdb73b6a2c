"""Taking a lower platform's batch: each record kept once by its key, in the order it came."""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from registry.accounts.services import hash_secret, new_secret
from registry.audit.services import record_change
from registry.common.errors import Conflict, DomainError, Forbidden
from registry.common.i18n import t
from registry.common.time import utcnow
from registry.extensions import db
from registry.reports.models import ReportedRecord, ReportingSource

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def source_for_token(token: str | None) -> ReportingSource | None:
    if not token:
        return None
    return db.session.scalar(select(ReportingSource).where(ReportingSource.token_hash == hash_secret(token)))


def add_source(actor, code: str, name: str) -> tuple[ReportingSource, str]:
    """A lower platform allowed to report here, and its token (shown once)."""
    if db.session.scalar(select(ReportingSource.id).where(ReportingSource.code == code)):
        raise Conflict(t("该下级平台已登记", "That lower platform is registered already"), "code")
    token = new_secret()
    source = ReportingSource(code=code, name=name, token_hash=hash_secret(token), received=0)
    db.session.add(source)
    db.session.flush()
    record_change(actor, "create", "reporting_source", source.id, after={"code": code, "name": name})
    return source, token


def accept_batch(source: ReportingSource, batch: dict) -> dict:
    """Store the batch's new records, in order; a record whose key is held already is a duplicate
    (its batch was resent because the answer was lost). Flushes, never commits."""
    if batch["source"] != source.code:
        raise Forbidden(t("批次来源与令牌不符", "The batch's source is not the token's"), "source")
    records = batch["records"]
    if len(records) > current_app.config["REPORTS_MAX_RECORDS"]:
        raise DomainError(t("单批记录过多", "Too many records in one batch"), "records")
    keys = [r["key"] for r in records]
    held = set(
        db.session.scalars(
            select(ReportedRecord.key).where(ReportedRecord.source_id == source.id, ReportedRecord.key.in_(keys))
        )
    )
    rows, seen = [], set(held)
    for record in records:
        if record["key"] in seen:
            continue
        seen.add(record["key"])
        rows.append(_row(source, record))
    if rows:
        # Another worker taking the same resent batch at the same moment: its rows win, ours are skipped.
        insert = INSERTS[db.session.get_bind().dialect.name](ReportedRecord)
        db.session.execute(insert.on_conflict_do_nothing(index_elements=["source_id", "key"]), rows)
        source.received += len(rows)
        source.last_sequence = records[-1]["sequence"]
    source.last_received_at = utcnow()
    return {"accepted": len(rows), "duplicates": len(records) - len(rows), "last_sequence": records[-1]["sequence"]}


def _row(source: ReportingSource, record: dict) -> dict:
    data = record["data"] or {}
    firm = data.get("firm") if isinstance(data.get("firm"), dict) else {}
    verdict = data.get("verdict") if isinstance(data.get("verdict"), dict) else {}
    return {
        "source_id": source.id,
        "key": record["key"],
        "sequence": record["sequence"],
        "kind": record["kind"],
        "occurred_at": record["occurred_at"],
        "plate": _text(data.get("plate"), 32),
        "firm_credit_code": _text(firm.get("credit_code"), 18),
        "decision": _text(verdict.get("decision"), 10),
        "data": record["data"],
        "received_at": utcnow(),
    }


def _text(value, length: int) -> str | None:
    return value[:length] if isinstance(value, str) else None
