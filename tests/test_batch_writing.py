"""Writing a batch without the ORM unit of work (registry/ingest/write.py), on both engines."""

from dataclasses import fields
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.events.models import PlateEvent, PlateRead, Verdict
from registry.extensions import db
from registry.gates.services import create_gate
from registry.ingest.passes import PassRow, VerdictRow
from registry.ingest.records import Rows
from registry.ingest.write import COPY_FROM_ROWS, PASS_KEYS, insert_rows, write

MOMENT = datetime(2022, 3, 1, 2, 0, tzinfo=UTC)


def stored_pass(gate, event_id: str, **overrides) -> PassRow:
    """A new pass with a pass verdict, written through the batch writer."""
    db.session.flush()
    values = {"plate_raw": "晋H20001", "plate": "晋H20001", "plate_color": None, "direction": "in", "confidence": 0.9}
    new_pass = PassRow(gate_id=gate.id, event_id=event_id, captured_at=MOMENT, **values | overrides)
    new_pass.verdict.decision = "pass"
    write(Rows(new_passes=[new_pass]))
    return new_pass


@pytest.mark.parametrize(("record", "model"), [(PassRow, PlateEvent), (VerdictRow, Verdict)])
def test_batch_records_carry_every_column_of_their_table(record, model):
    """A column added to the model but not to the record would never be written for new passes."""
    columns = {c.key for c in model.__table__.columns} - set(PASS_KEYS)  # the writer adds these
    if record is VerdictRow:
        columns -= {"id"}  # a verdict's id comes from its sequence
    assert columns <= {f.name for f in fields(record)}


def test_rows_lacking_a_column_take_its_python_default_or_null(make_firm):
    """Rows of one batch may name different columns (a picture analysed or not): what a row lacks takes
    the column's Python default (a fresh value per row for a callable one), else NULL."""
    gate, _ = create_gate(None, make_firm(name="钢铁集团"), "北门")
    new_pass = stored_pass(gate, "w-1", confidence=None, read_count=2)
    assert new_pass.id is not None
    before = datetime.now(UTC)
    read = {
        "plate_event_id": new_pass.id,
        "pass_at": MOMENT,
        "gate_id": gate.id,
        "captured_at": MOMENT,
        "source": "mqtt",
    }
    rows = [
        read | {"event_id": "w-1", "plate_raw": "晋H20001", "confidence": 0.8, "received_at": MOMENT},
        read | {"event_id": "w-2", "plate_raw": "晋H2OOO1"},
    ]
    insert_rows(db.session.connection(), [(PlateRead.__table__, rows)])
    db.session.commit()
    first, second = db.session.scalars(select(PlateRead).order_by(PlateRead.event_id)).all()
    assert (first.confidence, first.received_at) == (0.8, MOMENT)
    assert second.confidence is None and second.received_at >= before  # utcnow(), evaluated for the row
    stored = db.session.get(PlateEvent, new_pass.id)
    assert (stored.read_count, stored.verdict.decision.value, stored.colour_disagrees) == (2, "pass", False)
    assert stored.verdict.findings == [] and stored.verdict.evaluated_at is not None


@pytest.mark.parametrize("count", [2, COPY_FROM_ROWS + 1])  # a pipeline of INSERTs, then COPY
def test_a_read_stored_twice_raises_the_integrity_error_sqlalchemy_would(make_firm, count):
    """Another gateway storing the same read first must surface as IntegrityError, which the store loop
    answers by retrying the batch (and then finds the read stored), whatever path wrote the rows."""
    gate, _ = create_gate(None, make_firm(name="电厂"), "南门")
    new_pass = stored_pass(gate, "d-0")
    read = {
        "plate_event_id": new_pass.id,
        "pass_at": MOMENT,
        "gate_id": gate.id,
        "plate_raw": "晋H20001",
        "source": "mqtt",
    }
    rows = [read | {"event_id": f"d-{i}", "captured_at": new_pass.captured_at} for i in range(count - 1)]
    with pytest.raises(IntegrityError):
        insert_rows(db.session.connection(), [(PlateRead.__table__, [*rows, rows[0]])])
    db.session.rollback()
