"""In a real browser against the whole product (gunicorn, the MQTT gateway, Mosquitto, the demo district):
a police officer finds a plate's violations, opens one, confirms it and exports the list; a bureau officer
issues an orange alert and sees a deny appear on the dashboard after a gate event arrives over MQTT.
Screenshots go to test-artifacts/."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from registry.common.time import LOCAL_TZ
from tests.support.databases import empty_database
from tests.support.gateway import LiveDistrict, Publisher
from tests.support.web import ARTIFACTS, chromium, screenshot, served_registry
from tests.support.workbooks import csv_table
from tests.test_browser_machinery import follow, log_in, press

pytestmark = [pytest.mark.browser, pytest.mark.broker]
DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


@pytest.fixture
def product(tmp_path, broker):
    """The demo district served by gunicorn, with the gateway consuming from a broker of the test's own."""
    with empty_database(tmp_path) as url:
        district = LiveDistrict(url, tmp_path)
        gateway = district.start_gateway(broker)
        try:
            with served_registry(url, tmp_path) as base:
                district.base, district.publisher = base, Publisher(broker)
                yield district
                district.publisher.close()
        finally:
            gateway.terminate()
            gateway.wait(timeout=30)
            district.close()


def gate_of(district, firm_name: str) -> str:
    return district.scalar(
        "SELECT gates.code FROM gates JOIN firms ON firms.id = gates.firm_id "
        f"WHERE firms.name = '{firm_name}' ORDER BY gates.code LIMIT 1"
    )


def publish(district, gate: str, event_id: str, plate: str, minutes_from_now: int = 0) -> None:
    """A camera's read over MQTT; returns once the gateway has stored it."""
    before = district.passes()
    at = datetime.now(UTC) + timedelta(minutes=minutes_from_now)
    body = {"event_id": event_id, "plate": plate, "plate_color": "yellow", "direction": "in"}
    district.publisher.publish(
        f"gates/{gate}/events", json.dumps(body | {"captured_at": at.isoformat(), "confidence": 0.95})
    )
    district.wait_for(lambda: district.passes() > before, what=f"the pass of {plate}")


def test_police_confirm_and_export_and_the_bureau_sees_an_alert_deny(product):
    power_gate = gate_of(product, "忻州市华电热电有限公司")
    cement_gate = gate_of(product, "忻府区恒盛水泥有限公司")
    publish(product, power_gate, "cam-1", "晋H40001")  # China III at a power plant: denied
    publish(product, power_gate, "cam-2", "晋H40001", minutes_from_now=-90)  # an earlier pass of the same truck

    with chromium() as browser:
        # A traffic police officer looks the truck up, confirms one violation and exports the list.
        police = browser.new_context(**DESK).new_page()
        log_in(police, product.base, "demo-police", product.passwords["demo-police"])
        follow(police, "违规查询")
        police.get_by_label("号牌号码").fill("晋h4OOO1")  # typed as read: normalised
        press(police, "查询")
        rows = police.locator("#results tbody tr")
        expect(rows.first).to_contain_text("晋H40001")
        assert rows.count() >= 2
        screenshot(police, "violations-1-police-search")
        with police.expect_navigation():
            rows.first.get_by_role("link", name="查看").click()
        expect(police.get_by_text("判定说明")).to_be_visible()
        police.get_by_label("备注").fill("核对行驶证，国三柴油车，属实")
        press(police, "确认违规")
        expect(police.locator("#status")).to_have_text("已确认")
        screenshot(police, "violations-2-police-confirmed")
        police.go_back()
        police.go_back()
        police.reload()
        with police.expect_download() as download:
            police.locator("#export-csv").click()
        path = download.value.path()
        exported = csv_table(path.read_bytes())
        assert exported[0][4] == "号牌号码"
        assert {row[4] for row in exported[1:]} == {"晋H40001"} and len(exported) - 1 == rows.count()
        assert "已确认" in {row[1] for row in exported[1:]}
        download.value.save_as(str(ARTIFACTS / "violations-3-export.csv"))

        # The bureau ends the demo's alert, sees a China VI truck pass at a grade-D cement works, issues an
        # orange alert, and the next truck at that gate is denied on the dashboard.
        bureau = browser.new_context(**DESK).new_page()
        log_in(bureau, product.base, "demo-bureau", product.passwords["demo-bureau"])
        follow(bureau, "预警")
        asked = []  # ending an alert is asked for confirmation first
        bureau.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        while bureau.get_by_role("button", name="解除预警").count():
            press(bureau, "解除预警")
        assert asked and all("提前解除" in message for message in asked)
        publish(product, cement_gate, "cam-3", "晋H10001")
        bureau.goto(f"{product.base}/dashboard")
        expect(bureau.locator("#alerts")).to_contain_text("当前无重污染天气预警")
        expect(bureau.locator("#denies")).not_to_contain_text("晋H10001")
        follow(bureau, "预警")
        now = datetime.now(LOCAL_TZ)  # the form takes the district's wall-clock time
        bureau.get_by_label("预警级别").select_option("orange")
        bureau.get_by_label("开始时间").fill((now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
        bureau.get_by_label("结束时间").fill((now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
        bureau.get_by_label("文号").fill("忻重污染办〔2026〕9号")
        press(bureau, "发布预警")
        expect(bureau.get_by_text("预警已发布")).to_be_visible()
        screenshot(bureau, "violations-4-bureau-issued-orange-alert")
        publish(product, cement_gate, "cam-4", "晋H10002")
        follow(bureau, "看板")
        expect(bureau.locator("#alerts")).to_contain_text("橙色预警")
        expect(bureau.locator("#denies")).to_contain_text("晋H10002")
        expect(bureau.locator("#denies")).not_to_contain_text("晋H10001")
        screenshot(bureau, "violations-5-dashboard-deny-after-alert")
