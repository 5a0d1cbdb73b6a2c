"""What a page of a list shows is read once for the page, not once a row (issue 31): the cases,
violations and events lists make as many statements for two rows as for fifty, and the rows they show
are those their filters find."""

import contextlib

import pytest
from sqlalchemy import event, select

from registry.accounts.models import Role
from registry.cases.models import Case
from registry.events.models import Verdict, Violation
from registry.extensions import db


@contextlib.contextmanager
def statements():
    """The SQL statements the block makes, as a list that fills while it runs."""
    made = []

    def count(conn, cursor, statement, parameters, context, executemany):
        made.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield made
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/violations", "/api/v1/events"])
def test_a_page_costs_the_same_statements_for_two_rows_as_for_all(client, bureau, district, path):
    made = {}
    client.get(path, headers=bureau)  # the token's first use is recorded once
    for per_page in (2, 50):
        with statements() as sql:
            answer = client.get(path, query_string={"per_page": per_page}, headers=bureau)
        assert answer.status_code == 200, answer.get_json()
        assert len(answer.get_json()["items"]) == min(per_page, answer.get_json()["total"])
        made[per_page] = len(sql)
    assert made[2] == made[50], made
    assert made[50] <= 12, made


def test_the_cases_page_shows_each_finding_with_its_message(client, bureau, browser_for, district):
    police, _ = browser_for(Role.POLICE)
    police.get("/cases")
    with statements() as sql:
        page = police.get("/cases?status=open")
    assert page.status_code == 200 and "案件" in page.get_data(as_text=True)
    assert len(sql) <= 12, sql
    shown = client.get("/api/v1/cases", headers=bureau).get_json()["items"]
    assert shown and all(f["message_zh"] for case in shown for f in case["findings"])
    stages = dict(db.session.execute(select(Verdict.plate_event_id, Verdict.emission_stage)).all())
    assert all(case["gate"] and case["emission_stage"] == stages[case["id"]] for case in shown)


def test_a_rule_finds_exactly_the_cases_with_a_finding_of_it(client, bureau, district):
    for rule in db.session.scalars(select(Violation.rule).distinct()):
        expected = set(db.session.scalars(select(Violation.plate_event_id).where(Violation.rule == rule)))
        listed = client.get("/api/v1/cases", query_string={"rule": rule, "per_page": 500}, headers=bureau)
        assert {c["id"] for c in listed.get_json()["items"]} == expected, rule
        assert all(rule in c["rules"] for c in listed.get_json()["items"])
    assert db.session.scalar(select(Case.plate_event_id).limit(1)) is not None


@pytest.mark.parametrize("decision", ["pass", "deny", "review"])
def test_events_by_decision_are_those_passes(client, bureau, district, decision):
    expected = set(db.session.scalars(select(Verdict.plate_event_id).where(Verdict.decision == decision)))
    listed = client.get("/api/v1/events", query_string={"decision": decision, "per_page": 500}, headers=bureau)
    assert {e["id"] for e in listed.get_json()["items"]} == expected
