"""Lists at a city's volume (issue 31). What a page shows is read once for the page, not once a row: the
cases, violations and events lists make as many statements for two rows as for fifty. A search whose
rule, alert level, gate and firm the daily counts hold no violation of is answered without reading the
violations, and every combination still finds exactly its rows."""

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
    # the token, the capped count, the page's keys and its rows, then what they show (verdicts and
    # pictures for events, in two; with gates and findings for cases and violations, in one)
    assert made[50] <= 6, made


def test_the_cases_page_shows_each_finding_with_its_message(client, bureau, browser_for, district):
    police, _ = browser_for(Role.POLICE)
    police.get("/cases")
    with statements() as sql:
        page = police.get("/cases?status=open")
    assert page.status_code == 200 and "案件" in page.get_data(as_text=True)
    assert len(sql) <= 10, sql
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


def test_every_combination_finds_exactly_its_violations_and_cases(client, bureau, district):
    rows = db.session.execute(select(Violation.id, Violation.plate_event_id, Violation.rule, Violation.alert_level,
                                     Violation.firm_id)).all()  # fmt: skip
    rules = [*sorted({r.rule for r in rows}), "PHASE_OUT"]
    firms = sorted({r.firm_id for r in rows})
    for rule in rules:
        for level in (None, "yellow", "orange", "red"):
            for firm in (None, *firms):
                params = {"rule": rule, "per_page": 500} | ({"alert_level": level} if level else {})
                params |= {"firm_id": firm} if firm else {}
                wanted = [r for r in rows if r.rule == rule and (not level or r.alert_level == level)
                          and (not firm or r.firm_id == firm)]  # fmt: skip
                found = client.get("/api/v1/violations", query_string=params, headers=bureau).get_json()
                assert {v["id"] for v in found["items"]} == {r.id for r in wanted}, params
                cases = client.get("/api/v1/cases", query_string=params, headers=bureau).get_json()["items"]
                if not level:  # a case's level is its highest finding's
                    assert {c["id"] for c in cases} == {r.plate_event_id for r in wanted}, params


def test_a_search_the_counts_hold_nothing_of_reads_no_violation(client, bureau, district):
    client.get("/api/v1/violations", headers=bureau)
    assert not db.session.scalar(select(Violation.id).where(Violation.rule == "PHASE_OUT").limit(1))
    with statements() as sql:
        answer = client.get("/api/v1/violations?rule=PHASE_OUT&alert_level=orange", headers=bureau)
    assert answer.status_code == 200 and answer.get_json()["items"] == [] and answer.get_json()["total"] == 0
    assert [s for s in sql if "daily_violations" in s], sql
    walked = [s for s in sql if "FROM violations" in s and "WHERE 0 = 1" not in s and "WHERE false" not in s]
    assert not walked, walked  # a statement that cannot match: answered by the planner, no index read


def test_a_plate_prefix_finds_its_plates_and_only_them(client, bureau, district):
    plates = set(db.session.scalars(select(Violation.plate)))
    for prefix in {p[:n] for p in plates if p for n in (1, 2, 3)} | {"晋Z", "京", "晋H9"}:
        found = client.get("/api/v1/violations", query_string={"plate_prefix": prefix, "per_page": 500},
                           headers=bureau).get_json()["items"]  # fmt: skip
        assert {v["plate"] for v in found} == {p for p in plates if p.startswith(prefix)}, prefix


def test_every_rule_of_a_case_fits_in_its_list_of_rules():
    """The cases' rule filter reads the case's own list: every rule code at once must fit in it."""
    from registry.cases.rows import RULES_LENGTH
    from registry.labels import LABELS

    assert len(",".join(LABELS["rule"])) <= RULES_LENGTH
