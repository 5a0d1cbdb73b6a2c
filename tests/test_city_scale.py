"""City scale (issue 15): violations carry what they are searched by, daily counts stay equal to the
passes they count, and lists page by cursor with a capped total."""

from collections import Counter

import pytest
from sqlalchemy import select

from registry.accounts.models import Role
from registry.alerts.models import Alert
from registry.common.time import local_date
from registry.dashboard.services import MonthOfViolations
from registry.events.models import PlateEvent, Verdict, Violation
from registry.events.schemas import GateEventSchema
from registry.extensions import db
from registry.gates.models import Gate
from registry.gates.services import create_gate
from registry.ingest import Arrival, record_plate_events
from registry.ingest.write import COPY_FROM_ROWS
from registry.statistics.models import DailyPasses, DailyViolations
from registry.statistics.services import differences


def recount() -> tuple[Counter, Counter]:
    """The daily counts computed from the passes themselves, in Python."""
    passes, violations = Counter(), Counter()
    rows = db.session.execute(
        select(PlateEvent.captured_at, PlateEvent.gate_id, Verdict.decision, Gate.firm_id)
        .join(Verdict, Verdict.plate_event_id == PlateEvent.id)
        .join(Gate, Gate.id == PlateEvent.gate_id)
    )
    for at, gate_id, decision, firm_id in rows:
        passes[(local_date(at), gate_id, decision.value, firm_id)] += 1
    rows = db.session.execute(
        select(PlateEvent.captured_at, PlateEvent.gate_id, Violation.rule, Alert.level, Gate.firm_id)
        .join(PlateEvent, PlateEvent.id == Violation.plate_event_id)
        .join(Gate, Gate.id == PlateEvent.gate_id)
        .outerjoin(Alert, Alert.id == Violation.alert_id)
    )
    for at, gate_id, rule, level, firm_id in rows:
        violations[(local_date(at), gate_id, rule, level.value if level else "", firm_id)] += 1
    return passes, violations


def stored_counts() -> tuple[Counter, Counter]:
    passes = Counter(
        {
            (r.day, r.gate_id, r.decision, r.firm_id): r.passes
            for r in db.session.scalars(select(DailyPasses))
            if r.passes
        }
    )
    violations = Counter(
        {
            (r.day, r.gate_id, r.rule, r.alert_level, r.firm_id): r.violations
            for r in db.session.scalars(select(DailyViolations))
            if r.violations
        }
    )
    return passes, violations


def test_violations_carry_the_pass_gate_firm_and_alert_level(district):
    violations = db.session.scalars(select(Violation)).all()
    assert len(violations) >= 5
    assert any(v.alert_level == "orange" for v in violations)
    for v in violations:
        pe = v.plate_event
        assert (v.captured_at, v.gate_id, v.plate) == (pe.captured_at, pe.gate_id, pe.plate)
        assert v.firm_id == pe.gate.firm_id
        assert v.alert_level == (v.alert.level.value if v.alert else None)


def test_daily_counts_equal_a_recount_after_http_passes(district):
    passes, violations = recount()
    assert sum(passes.values()) == 7 and sum(violations.values()) >= 5
    assert stored_counts() == (passes, violations)


def test_a_rejudged_pass_moves_its_counts(client, district, make_vehicle):
    """A misread (unregistered: deny) is corrected by a better read of the same truck: the pass leaves
    deny for pass, and its violation's count goes with the violation."""
    make_vehicle(plate="晋H20001", emission_stage="6", vin=None)
    gate, headers = district["gates"][0], district["gate_headers"][0]
    body = {"plate_color": "yellow", "direction": "in", "captured_at": "2022-03-05T10:00:00+08:00"}
    first = client.post(
        f"/api/v1/gates/{gate.code}/events",
        json=body | {"event_id": "m-1", "plate": "晋H2D001", "confidence": 0.6},
        headers=headers,
    )
    assert first.get_json()["decision"] in ("deny", "review")
    assert stored_counts() == recount()
    merged = client.post(
        f"/api/v1/gates/{gate.code}/events",
        json=body | {"event_id": "m-2", "plate": "晋H20001", "confidence": 0.95},
        headers=headers,
    )
    assert merged.status_code == 200 and merged.get_json()["outcome"] == "merged"
    assert merged.get_json()["decision"] == "pass"
    assert stored_counts() == recount()


def test_counts_hold_for_reads_merged_within_one_batch(app, make_firm, make_vehicle):
    """The gateway's path: several reads in one batch, some merging into passes the same batch made."""
    make_vehicle(plate="晋H30001", emission_stage="6", vin=None)
    firm = make_firm(name="钢铁集团", industry="steel", annual_freight_tonnes=2_000_000)
    gate, _ = create_gate(None, firm, "南门")
    db.session.commit()
    reads = [
        ("b-1", "晋H3OOO1", "2022-03-06T08:00:00+08:00", 0.5),  # misread, merged below
        ("b-2", "晋H30001", "2022-03-06T08:00:10+08:00", 0.9),
        ("b-3", "晋H88888", "2022-03-06T23:59:59+08:00", 0.9),  # unregistered, the last second of a day
        ("b-4", "晋H88888", "2022-03-07T00:00:30+08:00", 0.95),  # merged across local midnight
        ("b-5", "晋H66666", "2022-03-07T09:00:00+08:00", 0.9),
    ]
    arrivals = [
        Arrival(
            gate,
            GateEventSchema().load(
                {
                    "event_id": e,
                    "plate": p,
                    "plate_color": "yellow",
                    "direction": "in",
                    "captured_at": at,
                    "confidence": c,
                }
            ),
            "mqtt",
        )
        for e, p, at, c in reads
    ]
    results = record_plate_events(arrivals)
    db.session.commit()
    assert [r.outcome for r in results] == ["created", "merged", "created", "merged", "created"]
    assert stored_counts() == recount()
    large = [  # past COPY_FROM_ROWS: the rows go by COPY, the counts after them
        Arrival(
            gate,
            GateEventSchema().load(
                {"event_id": f"c-{n}", "plate": f"晋H{n % 7}{n:04d}", "plate_color": "yellow", "direction": "in",
                 "captured_at": f"2022-03-{8 + n % 3:02d}T1{n % 10}:00:00+08:00", "confidence": 0.9}
            ),
            "mqtt",
        )
        for n in range(COPY_FROM_ROWS + 20)
    ]  # fmt: skip
    record_plate_events(large)
    db.session.commit()
    assert stored_counts() == recount()


def test_the_dashboard_reads_the_daily_counts(app, district):
    """Against the violations themselves, over a window that holds the fixture's days."""
    from datetime import datetime

    from registry.common.time import LOCAL_TZ

    now = datetime(2022, 3, 10, 12, tzinfo=LOCAL_TZ)
    month = MonthOfViolations.of(now)
    per_day = dict(month.per_day())
    expected = Counter(local_date(v.captured_at) for v in db.session.scalars(select(Violation)))
    assert {d: n for d, n in per_day.items() if n} == dict(expected)
    assert len(per_day) == 30
    by_rule = Counter(v.rule for v in db.session.scalars(select(Violation)))
    assert month.top_rules() == sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    by_firm = Counter(v.plate_event.gate.firm.name for v in db.session.scalars(select(Violation)))
    assert month.top_firms() == sorted(by_firm.items(), key=lambda kv: (-kv[1], kv[0]))[:5]


def walk(client, headers, url: str, **params) -> list[dict]:
    """Every page of a list by its cursor."""
    pages, cursor = [], None
    while True:
        query = params | ({"cursor": cursor} if cursor else {})
        answer = client.get(url, query_string=query, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        assert len(pages) < 50
        if cursor is None:
            return pages


SORTS = ["-captured_at", "captured_at", "plate", "-plate", "id", "-id", "created_at", "-created_at"]


@pytest.mark.parametrize("sort", SORTS)
def test_violations_by_cursor_are_every_row_once_in_order(client, bureau, district, sort):
    everything = client.get("/api/v1/violations", query_string={"per_page": 500, "sort": sort}, headers=bureau)
    everything = [v["id"] for v in everything.get_json()["items"]]
    pages = walk(client, bureau, "/api/v1/violations", per_page=2, sort=sort)
    assert [v["id"] for page in pages for v in page] == everything
    assert all(len(page) == 2 for page in pages[:-1])


def test_a_cursor_keeps_the_filters_and_page_two_is_the_same_rows(client, bureau, district):
    pages = walk(client, bureau, "/api/v1/violations", per_page=2, status="open")
    by_offset = client.get(
        "/api/v1/violations", query_string={"per_page": 2, "page": 2, "status": "open"}, headers=bureau
    )
    assert [v["id"] for v in by_offset.get_json()["items"]] == [v["id"] for v in pages[1]]
    assert all(v["status"] == "open" for page in pages for v in page)


def test_events_page_by_cursor(client, bureau, district):
    everything = client.get("/api/v1/events", query_string={"per_page": 500}, headers=bureau).get_json()
    pages = walk(client, bureau, "/api/v1/events", per_page=3)
    assert [e["id"] for page in pages for e in page] == [e["id"] for e in everything["items"]]
    assert everything["total"] == 7 and everything["total_exact"] is True


def test_a_cursor_that_is_not_one_is_refused_clearly(client, bureau, district):
    other = client.get("/api/v1/events", query_string={"per_page": 1}, headers=bureau).get_json()["next_cursor"]
    plate_sorted = client.get("/api/v1/violations", query_string={"per_page": 1, "sort": "plate"}, headers=bureau)
    for cursor in ("garbage", ">i:abc", "<s:x~i:2", other, plate_sorted.get_json()["next_cursor"]):
        answer = client.get("/api/v1/violations", query_string={"cursor": cursor}, headers=bureau)
        assert answer.status_code == 422, cursor
        body = answer.get_json()
        assert "cursor" in str(body) and "翻页标记无效" in body["message"]


def test_the_total_is_counted_up_to_the_cap(app, client, bureau, district, monkeypatch):
    monkeypatch.setitem(app.config, "COUNT_CAP", 3)
    body = client.get("/api/v1/events", headers=bureau).get_json()
    assert body["total"] == 3 and body["total_exact"] is False and len(body["items"]) == 7


def test_the_violations_page_says_more_than_past_the_cap(app, browser_for, district, monkeypatch):
    monkeypatch.setitem(app.config, "COUNT_CAP", 3)
    police, _ = browser_for(Role.POLICE)
    html = police.get("/violations").get_data(as_text=True)
    assert "超过 3 条" in html
    assert 'id="next-page"' not in html  # fewer than 50: one page


def test_statistics_check_finds_a_changed_count_and_rebuild_mends_it(app, runner, district):
    assert differences() == []
    row = db.session.scalars(select(DailyPasses).order_by(DailyPasses.day)).first()
    row.passes += 5
    db.session.commit()
    found = differences()
    assert len(found) == 1 and "counted" in found[0]
    checked = runner.invoke(args=["statistics", "check"])
    assert checked.exit_code == 1 and "统计不一致" in str(checked.exception or checked.output)
    rebuilt = runner.invoke(args=["statistics", "rebuild", "--from", "2022-03-01", "--to", "2022-03-31"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert differences() == [] and stored_counts() == recount()
    assert runner.invoke(args=["statistics", "check"]).exit_code == 0


def test_a_finding_raised_after_the_gate_is_counted_on_its_day(app, district):
    """An inspection's or a picture's finding, raised on a stored pass, enters the day's statistics as
    a gate's finding does: `flask statistics check` finds nothing to mend."""
    from registry.cases.raising import raise_on_pass

    plate_event = db.session.scalars(select(PlateEvent).order_by(PlateEvent.id)).first()
    finding = {"rule": "DOCUMENTS_MISMATCH", "severity": "review", "message_zh": "随车清单与登记不符",
               "message_en": "documents differ", "clause": ""}  # fmt: skip
    raise_on_pass(plate_event.id, plate_event.captured_at, plate_event.gate_id, plate_event.gate.firm_id,
                  plate_event.plate, "review", [finding], {})  # fmt: skip
    db.session.commit()
    assert differences() == []
    day = local_date(plate_event.captured_at)
    counted = db.session.scalar(
        select(DailyViolations.violations).where(
            DailyViolations.day == day, DailyViolations.rule == "DOCUMENTS_MISMATCH"
        )
    )
    assert counted == 1
