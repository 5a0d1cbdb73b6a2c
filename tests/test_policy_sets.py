"""Verdicts name the set of policies they were judged under (policy_sets) and store no findings as
NULL: what every pass would repeat is stored once. On both engines."""

import json

import pytest
from sqlalchemy import text

from gateway.consumer import Inbound, Store
from registry.events.models import PlateEvent
from registry.extensions import db
from registry.gates.services import create_gate
from registry.ingest.passes import PassRow
from registry.ingest.records import Rows
from registry.ingest.write import COPY_FROM_ROWS, write
from registry.policies.models import Policy
from registry.policies.sets import policy_ids_of, set_id_of
from tests.test_batch_writing import MOMENT


def batch(gate, prefix: str, policies: list[int], count: int) -> Rows:
    passes = []
    for i in range(count):
        new_pass = PassRow(
            gate_id=gate.id,
            event_id=f"{prefix}-{i}",
            plate_raw="晋H20001",
            plate="晋H20001",
            plate_color=None,
            direction="in",
            captured_at=MOMENT,
            confidence=0.9,
        )
        new_pass.verdict.decision = "pass"
        new_pass.verdict.policy_set_id = set_id_of(policies)
        passes.append(new_pass)
    return Rows(new_passes=passes)


def one(sql: str, **params):
    return db.session.execute(text(sql), params).scalar()


def test_a_set_id_stands_for_its_policies_whatever_their_order():
    assert set_id_of([5, 1, 12]) == set_id_of([1, 5, 12]) != set_id_of([1, 5])
    assert set_id_of([]) is None and policy_ids_of(None) == []
    assert 0 < set_id_of([1]) < 2**63  # a positive bigint on both engines


@pytest.mark.parametrize("count", [3, COPY_FROM_ROWS + 1])  # a pipeline of INSERTs, then COPY
def test_passes_of_one_batch_share_one_set_row(make_firm, count):
    gate, _ = create_gate(None, make_firm(name="钢铁集团"), "北门")
    db.session.flush()
    write(batch(gate, "s", [7, 3, 901], count))
    db.session.commit()
    set_id = set_id_of([3, 7, 901])
    assert one("SELECT count(*) FROM verdicts WHERE policy_set_id = :s", s=set_id) == count
    assert one("SELECT count(*) FROM verdicts WHERE findings IS NULL") == count
    stored = one("SELECT policy_ids FROM policy_sets WHERE id = :s", s=set_id)  # text on SQLite
    assert (stored if isinstance(stored, list) else json.loads(stored)) == [3, 7, 901]
    pe = db.session.scalars(db.select(PlateEvent).where(PlateEvent.event_id == "s-0")).one()
    assert pe.verdict.policy_ids == [3, 7, 901] and pe.verdict.findings == []


def test_a_set_written_by_a_rolled_back_batch_is_written_again(make_firm):
    """The first batch naming a set writes it; when that batch rolls back, the set goes with it, and
    the next batch naming it must write it again rather than trust a memory of it."""
    gate, _ = create_gate(None, make_firm(name="电厂"), "南门")
    db.session.commit()
    savepoint = db.session.begin_nested()
    write(batch(gate, "lost", [4, 44], 2))
    assert one("SELECT count(*) FROM policy_sets WHERE id = :s", s=set_id_of([4, 44])) == 1
    savepoint.rollback()
    assert one("SELECT count(*) FROM policy_sets WHERE id = :s", s=set_id_of([4, 44])) == 0
    write(batch(gate, "kept", [4, 44], 2))
    db.session.commit()
    assert one("SELECT count(*) FROM verdicts v JOIN policy_sets s ON s.id = v.policy_set_id") == 2


def test_the_gate_and_the_api_still_see_the_policies_in_force(app, client, bureau, make_firm):
    """Passes stored by the gateway's store loop and by HTTP ingest list the policies in force, and
    store one set between them."""
    firm = make_firm(name="焦化集团", industry="coking", in_planning_area=True)
    gate, secret = create_gate(None, firm, "1号门")
    db.session.commit()
    in_force = {p.id for p in db.session.scalars(db.select(Policy).where(Policy.superseded_at.is_(None)))}
    event = {"plate_color": "yellow", "direction": "in", "captured_at": "2022-05-01T10:00:00+08:00", "confidence": 0.9}
    messages = [
        Inbound(
            f"gates/{gate.code}/events",
            json.dumps(event | {"event_id": f"m-{i}", "plate": f"晋H2000{i}"}).encode(),
            mid=i + 1,
            qos=1,
            generation=1,
        )
        for i in range(3)
    ]
    _outgoing, tally = Store(app).process(messages)
    assert tally["created"] == 3
    answer = client.post(
        f"/api/v1/gates/{gate.code}/events",
        headers={"Authorization": f"Bearer {secret}"},
        json=event | {"event_id": "http-1", "plate": "晋H30001"},
    ).get_json()
    assert answer["policy_ids"] and set(answer["policy_ids"]) <= in_force
    listed = client.get("/api/v1/events", headers=bureau).get_json()["items"]
    assert len(listed) == 4 and {tuple(e["policy_ids"]) for e in listed} == {tuple(answer["policy_ids"])}
    assert one("SELECT count(DISTINCT policy_set_id) FROM verdicts") == 1
