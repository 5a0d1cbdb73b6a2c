"""Cases (案件): one reviewable record per pass with findings, reviewed once for all its findings; the
violations stay one per rule. API and pages, on the district of tests/support/violations.py."""

from sqlalchemy import func, select

from registry.accounts.models import Role
from registry.audit.models import AuditEntry
from registry.cases.models import Case
from registry.events.models import Violation
from registry.extensions import db
from tests.support.pages import post


def cases(client, headers, **params) -> dict:
    answer = client.get("/api/v1/cases", query_string=params, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_each_pass_with_findings_is_one_case_holding_all_of_them(client, bureau, district):
    counted = select(Violation.plate_event_id, func.count()).group_by(Violation.plate_event_id)
    per_pass = {pass_id: count for pass_id, count in db.session.execute(counted)}
    listed = cases(client, bureau)["items"]
    assert {c["id"] for c in listed} == set(per_pass)
    for case in listed:
        assert case["findings_count"] == per_pass[case["id"]] == len(case["findings"])
        assert case["rules"] == list(dict.fromkeys(f["rule"] for f in case["findings"]))
        assert case["status"] == "open" and case["status_label"] == "待处理"
        assert all(f["rule_label"] and f["message_zh"] for f in case["findings"])
    assert max(per_pass.values()) >= 2  # the district has a pass with several findings


def test_reviewing_a_case_reviews_every_finding_once_and_is_audited(client, bureau, auth, district):
    case = max(cases(client, bureau)["items"], key=lambda c: c["findings_count"])
    police = auth("police")
    answer = client.patch(
        f"/api/v1/cases/{case['id']}", json={"status": "confirmed", "note": "现场核实"}, headers=police
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["status"], body["note"], body["status_label"]) == ("confirmed", "现场核实", "已确认")
    assert body["reviewed_by"] and body["reviewed_at"]
    for finding in body["findings"]:
        assert (finding["status"], finding["note"]) == ("confirmed", "现场核实")
        violation = client.get(f"/api/v1/violations/{finding['violation_id']}", headers=bureau).get_json()
        assert (violation["status"], violation["note"], violation["reviewed_by"]) == (
            "confirmed",
            "现场核实",
            body["reviewed_by"],
        )
    again = client.patch(f"/api/v1/cases/{case['id']}", json={"status": "dismissed"}, headers=bureau)
    assert again.status_code == 409
    one_of_its_violations = body["findings"][0]["violation_id"]
    assert (
        client.patch(
            f"/api/v1/violations/{one_of_its_violations}", json={"status": "dismissed"}, headers=bureau
        ).status_code
        == 409
    )
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "case")).all()
    assert (entry.entity_id, entry.before) == (case["id"], {"status": "open", "note": None})
    assert entry.after["status"] == "confirmed" and entry.after["note"] == "现场核实"
    assert entry.after["findings"] == {str(f["violation_id"]): ["confirmed", "现场核实"] for f in body["findings"]}
    assert case["id"] not in {c["id"] for c in cases(client, bureau, status="open")["items"]}


def test_each_finding_is_decided_with_what_was_checked(client, bureau, auth, district):
    """Issue 30: confirming a case confirmed every finding in it, so a speculative 套牌嫌疑 became 已确认
    under a note about the emission stage, and a dismissal needed no note."""
    case = max(cases(client, bureau)["items"], key=lambda c: c["findings_count"])
    assert case["findings_count"] >= 2
    first, *rest = (f["violation_id"] for f in case["findings"])
    police, url = auth("police"), f"/api/v1/cases/{case['id']}"
    no_note = client.patch(url, json={"findings": [{"violation_id": first, "status": "dismissed"}]}, headers=police)
    assert no_note.status_code == 422 and f"finding-{first}" in no_note.get_json()["errors"]["json"]
    decided = client.patch(url, json={"findings": [{"violation_id": first, "status": "dismissed", "note": "误识别"}]},
                           headers=police)  # fmt: skip
    assert decided.status_code == 200 and decided.get_json()["status"] == "open"  # the others are still open
    confirmed = [{"violation_id": v, "status": "confirmed", "note": "核对行驶证"} for v in rest]
    done = client.patch(url, json={"findings": confirmed}, headers=police).get_json()
    assert done["status"] == "confirmed"  # any finding confirmed: the case is
    outcome = {f["violation_id"]: (f["status"], f["note"]) for f in done["findings"]}
    assert outcome[first] == ("dismissed", "误识别") and {outcome[v] for v in rest} == {("confirmed", "核对行驶证")}


def test_reviewing_one_violation_reviews_that_finding(client, bureau, district):
    case = max(cases(client, bureau)["items"], key=lambda c: c["findings_count"])
    first = case["findings"][0]["violation_id"]
    answer = client.patch(f"/api/v1/violations/{first}", json={"status": "dismissed", "note": "误识别"}, headers=bureau)
    assert answer.status_code == 200
    reviewed = client.get(f"/api/v1/cases/{case['id']}", headers=bureau).get_json()
    assert reviewed["status"] == "open"  # its other findings wait for their own decision
    statuses = {
        v.id: v.status.value
        for v in db.session.scalars(select(Violation).where(Violation.plate_event_id == case["id"]))
    }
    assert statuses[first] == "dismissed" and set(statuses.values()) == {"dismissed", "open"}
    for other in (v for v, status in statuses.items() if status == "open"):
        client.patch(f"/api/v1/violations/{other}", json={"status": "dismissed", "note": "误识别"}, headers=bureau)
    assert client.get(f"/api/v1/cases/{case['id']}", headers=bureau).get_json()["status"] == "dismissed"


def test_the_queue_filters_and_a_firm_sees_only_its_own(client, bureau, district):
    everything = cases(client, bureau)["items"]
    by_rule = cases(client, bureau, rule="STAGGERED_TRANSPORT")["items"]
    assert by_rule and all("STAGGERED_TRANSPORT" in c["rules"] for c in by_rule)
    assert {c["id"] for c in by_rule} == {c["id"] for c in everything if "STAGGERED_TRANSPORT" in c["rules"]}
    assert all(c["alert_level"] == "orange" for c in by_rule)
    assert [c["plate"] for c in cases(client, bureau, plate="晋h4OOO1")["items"]] == ["晋H40001"] * len(
        [c for c in everything if c["plate"] == "晋H40001"]
    )
    by_name = cases(client, bureau, firm="华电热电")["items"]
    assert by_name and {c["firm_id"] for c in by_name} == {district["power"].id}
    assert cases(client, bureau, firm="没有这家企业")["items"] == []
    own = cases(client, district["firm_headers"])["items"]
    assert own and {c["firm_id"] for c in own} == {district["power"].id}
    other = next(c for c in everything if c["firm_id"] == district["coking"].id)
    assert client.get(f"/api/v1/cases/{other['id']}", headers=district["firm_headers"]).status_code == 404
    assert (
        client.patch(
            f"/api/v1/cases/{other['id']}", json={"status": "confirmed"}, headers=district["firm_headers"]
        ).status_code
        == 403
    )


def test_the_police_review_cases_one_after_another_on_the_pages(browser_for, district):
    police, _ = browser_for(Role.POLICE)
    queue = police.get("/cases").get_data(as_text=True)
    open_cases = db.session.scalars(select(Case).order_by(Case.captured_at.desc(), Case.plate_event_id.desc())).all()
    table = queue[queue.index('<table id="cases"') :]
    assert f"共 {len(open_cases)} 件" in queue and "待处理" in table and "重污染天气错峰运输" in table
    assert "STAGGERED_TRANSPORT" not in table and ">deny<" not in table
    first, second = open_cases[:2]
    page = police.get(f"/cases/{first.plate_event_id}").get_data(as_text=True)
    assert "提交复核" in page and all(word in page for word in ("违规判定", "取证图片", "车辆与企业"))
    decisions = {}
    for violation in first.violations:
        decisions[f"decision-{violation.id}"] = "confirmed"
        decisions[f"note-{violation.id}"] = "属实"
    answer = post(police, f"/cases/{first.plate_event_id}/review", decisions)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/cases/{second.plate_event_id}")
    following = police.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"已复核 {first.plate}：已确认 {len(first.violations)} 项" in following  # says which plate was handled
    done = police.get(f"/cases/{first.plate_event_id}").get_data(as_text=True)
    assert "已确认" in done and "属实" in done and "提交复核" not in done
    twice = post(police, f"/cases/{first.plate_event_id}/review", decisions)
    assert twice.status_code == 409 and "该案件已处理（已确认）" in twice.get_data(as_text=True)
    assert f"共 {len(open_cases) - 1} 件" in police.get("/cases").get_data(as_text=True)
