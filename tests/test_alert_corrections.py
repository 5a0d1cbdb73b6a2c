"""Alerts that can be corrected (issue 30, item 4): an alert that has not begun is withdrawn (撤销) with a
reason and never takes effect; one in force is ended or corrected; a correction keeps its history and
reason in the audit; a region is one some firm is in (or the whole district); the page says when an
alert takes effect. The last test does it in a real browser at both sizes."""

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from registry.accounts.models import Role
from registry.audit.models import AuditEntry
from registry.common.time import LOCAL_TZ, utcnow
from registry.extensions import db
from registry.gates.services import create_gate
from tests.support.pages import post
from tests.support.web import chromium, screenshot
from tests.test_browser_machinery import PHONE, district, follow, log_in, press  # noqa: F401 (fixture)


def at(hours: float) -> str:
    return (utcnow() + timedelta(hours=hours)).astimezone(LOCAL_TZ).isoformat()


def issue(client, bureau, starts: float, ends: float, **extra):
    answer = client.post(
        "/api/v1/alerts", json={"level": "orange", "starts_at": at(starts), "ends_at": at(ends)} | extra, headers=bureau
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


@pytest.fixture
def plant(make_firm, make_vehicle):
    """A grade-B steel works in 忻府区 and a China IV truck: an orange alert restricts it."""
    firm = make_firm(name="忻府钢铁", performance_grade="B", region="忻府区", annual_freight_tonnes=100_000)
    gate, secret = create_gate(None, firm, "东门")
    db.session.commit()
    make_vehicle(plate="晋H50004", emission_stage="4")
    return {"gate": gate, "headers": {"Authorization": f"Bearer {secret}"}}


def gate_pass(client, plant, event_id: str, hours: float) -> dict:
    body = {"event_id": event_id, "plate": "晋H50004", "plate_color": "yellow", "direction": "in",
            "captured_at": at(hours), "confidence": 0.9}  # fmt: skip
    answer = client.post(f"/api/v1/gates/{plant['gate'].code}/events", json=body, headers=plant["headers"])
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_a_future_alert_is_withdrawn_with_a_reason_and_never_takes_effect(client, bureau, plant):
    future = issue(client, bureau, 1, 48)
    assert future["state"] == "scheduled" and future["state_label"] == "未开始"
    ended = client.post(f"/api/v1/alerts/{future['id']}/end", json={}, headers=bureau)
    assert ended.status_code == 422 and "撤销" in ended.get_json()["message"]  # it has not begun
    url = f"/api/v1/alerts/{future['id']}/withdraw"
    assert client.post(url, json={}, headers=bureau).status_code == 422  # a reason is required
    withdrawn = client.post(url, json={"reason": "市级通知发错区县"}, headers=bureau)
    assert withdrawn.status_code == 200, withdrawn.get_json()
    assert (
        withdrawn.get_json()["state"] == "withdrawn" and withdrawn.get_json()["withdrawal_reason"] == "市级通知发错区县"
    )
    assert client.post(url, json={"reason": "again"}, headers=bureau).status_code == 409
    # a truck the alert would have restricted passes in its window: nothing of the alert applies
    verdict = gate_pass(client, plant, "w-1", 2)
    assert verdict["decision"] == "pass" and not [f for f in verdict["findings"] if f["rule"] == "STAGGERED_TRANSPORT"]
    assert client.get("/api/v1/alerts?active=true", headers=bureau).get_json()["items"] == []
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "withdraw")).one()
    assert entry.entity_id == future["id"] and entry.after["reason"] == "市级通知发错区县"


def test_an_alert_in_force_is_ended_or_corrected_but_not_withdrawn(client, bureau, plant):
    current = issue(client, bureau, -1, 24)
    url = f"/api/v1/alerts/{current['id']}"
    refused = client.post(f"{url}/withdraw", json={"reason": "误发"}, headers=bureau)
    assert refused.status_code == 422 and "解除" in refused.get_json()["message"]
    moved = client.patch(url, json={"starts_at": at(-3), "reason": "开始时间录错"}, headers=bureau)
    assert moved.status_code == 422 and "starts_at" in moved.get_json()["errors"]["json"]  # what applied, stays
    assert client.patch(url, json={"level": "red"}, headers=bureau).status_code == 422  # a reason is required
    corrected = client.patch(url, json={"level": "red", "reason": "文件为红色预警"}, headers=bureau)
    assert corrected.status_code == 200 and corrected.get_json()["level"] == "red"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "correct")).one()
    assert (entry.before["level"], entry.after["level"], entry.after["reason"]) == ("orange", "red", "文件为红色预警")
    assert client.post(f"{url}/end", json={}, headers=bureau).status_code == 200
    final = client.patch(url, json={"level": "yellow", "reason": "再改"}, headers=bureau)
    assert final.status_code == 409  # an ended alert is history


def test_a_region_is_one_some_firm_is_in(client, bureau, plant):
    answer = client.post(
        "/api/v1/alerts",
        json={"level": "orange", "region": "城西区", "starts_at": at(1), "ends_at": at(5)},
        headers=bureau,
    )
    assert answer.status_code == 422 and "忻府区" in answer.get_json()["errors"]["json"]["region"][0]
    assert issue(client, bureau, 1, 5, region="忻府区")["region"] == "忻府区"
    assert issue(client, bureau, 1, 5)["region"] is None  # the whole district


def test_the_pages_say_when_an_alert_takes_effect_and_keep_its_history(browser_for, plant):
    officer, _ = browser_for(Role.BUREAU)
    starts = (datetime.now(LOCAL_TZ) + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    form = {
        "level": "orange",
        "region": "忻府区",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "document_no": "忻重污染办〔2026〕12号",
    }
    issued = post(officer, "/alerts", form, follow_redirects=True).get_data(as_text=True)
    assert f"将于 {starts:%Y-%m-%d %H:%M} 起生效" in issued and "即时生效" not in issued
    assert "未开始" in issued and "撤销" in issued and "城西区" not in issued
    alert_id = db.session.scalar(select(AuditEntry.entity_id).where(AuditEntry.entity == "alert"))
    corrected = post(officer, f"/alerts/{alert_id}/edit", form | {"level": "red", "reason": "文件为红色预警"},
                     follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "预警已更正" in corrected and "橙色预警 → 红色预警" in corrected and "文件为红色预警" in corrected
    no_reason = post(officer, f"/alerts/{alert_id}/edit", form | {"level": "yellow", "reason": ""})
    assert no_reason.status_code == 422
    withdrawn = post(officer, f"/alerts/{alert_id}/withdraw", {"reason": "误发"}, follow_redirects=True)
    page = withdrawn.get_data(as_text=True)
    assert "预警已撤销" in page and "已撤销" in page and "误发" in page


@pytest.mark.browser
def test_the_bureau_withdraws_a_future_alert_in_a_browser(district):  # noqa: F811
    starts = (datetime.now(LOCAL_TZ) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    with chromium() as browser:
        desk = {"viewport": {"width": 1366, "height": 900}}
        for size, context, reason in (("desktop", desk, "市级通知发错区县"), ("phone", PHONE, "级别录错，重新发布")):
            page = browser.new_context(locale="zh-CN", **context).new_page()
            log_in(page, district.base, "demo-bureau", district.passwords["demo-bureau"])
            follow(page, "预警")
            page.get_by_label("预警级别").select_option("red")
            page.get_by_label("开始时间").fill(starts.strftime("%Y-%m-%dT%H:%M"))
            page.get_by_label("结束时间").fill((starts + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
            press(page, "发布预警")
            expect(page.get_by_text(f"将于 {starts:%Y-%m-%d %H:%M} 起生效")).to_be_visible()
            row = page.locator("tr", has_text="红色预警").filter(has_text="未开始").first
            row.get_by_label("撤销原因").fill(reason)
            screenshot(page, f"alerts-{size}-scheduled")
            page.once("dialog", lambda dialog: dialog.accept())
            with page.expect_navigation():
                row.get_by_role("button", name="撤销").click()
            expect(page.get_by_text("预警已撤销")).to_be_visible()
            expect(page.locator("tr", has_text=reason)).to_contain_text("已撤销")
            screenshot(page, f"alerts-{size}-withdrawn")
