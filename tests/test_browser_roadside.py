"""In a real browser (issue 33): the police review a black-smoke capture on a phone, its pictures side by
side; the bureau draws a zone by clicking its corners on the tile-free map and the police issue a pass;
a truck's page shows each kind of record on one timeline. Screenshots go to test-artifacts/roadside/."""

import base64
import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.support.databases import empty_database, flask_cli
from tests.support.pictures import real_photo
from tests.support.web import chromium, screenshot, served_registry
from tests.test_browser_machinery import log_in, press
from tests.test_browser_pages import VIEWPORTS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """The demo district with its last hour recorded: passes, terminals' frames and the roadside."""
    folder = tmp_path_factory.mktemp("roadside")
    with empty_database(folder) as url:
        credentials = folder / "demo.json"
        for args in (("db", "upgrade"), ("demo", "seed", "--credentials", str(credentials), "--history-hours", "1")):
            result = flask_cli(url, *args, env={"INSTANCE_PATH": str(folder)})
            assert result.returncode == 0, result.stderr
        saved = json.loads(credentials.read_text(encoding="utf-8"))
        engine = create_engine(url)
        with served_registry(url, folder) as base:
            yield SimpleNamespace(base=base, saved=saved, engine=engine, passwords=saved["page_passwords"])
        engine.dispose()


def scalar(district, sql: str):
    with district.engine.connect() as connection:
        return connection.execute(text(sql)).scalar()


def push_capture(district, plate: str) -> int:
    code, secret = next((c, s) for c, s in district.saved["roadside_secrets"].items() if c.startswith("HY"))
    pictures = {"plate": base64.b64encode(real_photo("yellow", "plate_crop")).decode(),
                "smoke": base64.b64encode(real_photo("yellow", "whole_vehicle")).decode()}  # fmt: skip
    body = {"captured_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(), "lane": "2", "plate": plate,
            "plate_color": "黄", "vehicle_type": "重型货车", "grade": 4, "threshold": 1, "pictures": pictures,
            "video_url": "https://video.example.cn/hy001/1.mp4"}  # fmt: skip
    answer = requests.post(f"{district.base}/api/v1/stations/{code}/captures", json=body,
                           headers={"Authorization": f"Bearer {secret}"}, timeout=30)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer.json()[0]["id"]


def test_the_police_review_a_capture_on_a_phone(district):
    capture = push_capture(district, "晋H20003")
    with chromium() as browser:
        page = browser.new_context(locale="zh-CN", **VIEWPORTS["phone"]).new_page()
        log_in(page, district.base, "demo-police", district.passwords["demo-police"])
        page.goto(f"{district.base}/roadside/smoke")
        card = page.locator(f"#capture-{capture}")
        expect(card).to_contain_text("晋H20003")
        expect(card).to_contain_text("林格曼黑度 4 级")
        images = card.locator(".smoke-pictures img")
        expect(images).to_have_count(2)
        assert all(images.nth(n).evaluate("i => i.complete && i.naturalWidth > 0") for n in range(2))
        boxes = [images.nth(n).bounding_box() for n in range(2)]
        assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[1]["x"] > boxes[0]["x"]  # side by side
        card.scroll_into_view_if_needed()
        screenshot(page, "roadside/smoke-queue-phone")
        with page.expect_navigation():
            card.get_by_role("button", name="确认黑烟").click()
        expect(page.locator(".flash")).to_contain_text("已确认 晋H20003 的黑烟抓拍")
        assert scalar(district, f"SELECT status FROM smoke_captures WHERE id = {capture}") == "confirmed"
        page.goto(f"{district.base}/roadside/emitters")
        expect(page.locator("table")).to_contain_text("晋H20003")
        screenshot(page, "roadside/emitters-phone")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_bureau_draws_a_zone_and_the_police_issue_a_pass(district, viewport):
    name = f"测试限行区（{viewport}）"
    with chromium() as browser:
        page = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport]).new_page()
        log_in(page, district.base, "demo-bureau", district.passwords["demo-bureau"])
        page.goto(f"{district.base}/zones/new")
        canvas = page.locator("#zone-canvas")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        for fx, fy in ((0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7)):
            page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        corners = page.locator("#zone-polygon").input_value().split(";")
        assert len(corners) == 4 and all(112 < float(c.split(",")[0]) < 114 for c in corners)
        assert page.locator("#zone-shape").get_attribute("points").count(",") == 4
        page.get_by_label("区域名称").fill(name)
        page.get_by_label("限行依据（通告及条款）").fill("演示通告 第一条")
        screenshot(page, f"roadside/zone-drawn-{viewport}")
        press(page, "保存区域")
        expect(page.locator(".flash")).to_contain_text(f"限行区域“{name}”已保存")
        assert scalar(district, f"SELECT count(*) FROM restriction_zones WHERE name = '{name}'") == 1
        zone_id = scalar(district, f"SELECT id FROM restriction_zones WHERE name = '{name}'")

        police = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport]).new_page()
        log_in(police, district.base, "demo-police", district.passwords["demo-police"])
        police.goto(f"{district.base}/zones/permits")
        form = police.locator("#permit-form")
        form.get_by_label("号牌").fill("豫A30003")
        form.get_by_label("限行区域").select_option(str(zone_id))
        form.get_by_label("通行路线").fill("环城路—建设北路—物流园")
        form.get_by_label("事由").fill("建材运输")
        press(police, "签发")
        expect(police.locator(".flash")).to_contain_text("（豫A30003）")
        expect(police.locator("table")).to_contain_text("环城路—建设北路—物流园")
        screenshot(police, f"roadside/permits-{viewport}")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_a_truck_page_shows_each_kind_of_record_on_one_timeline(district, viewport):
    vehicle = scalar(district, "SELECT id FROM vehicles WHERE plate = '晋H10001'")
    gate_code = next(iter(sorted(district.saved["gate_secrets"])))
    body = {"event_id": f"story-{viewport}", "plate": "晋H10001", "plate_color": "yellow", "direction": "in",
            "captured_at": (datetime.now(UTC) - timedelta(minutes=3)).isoformat(), "confidence": 0.95}  # fmt: skip
    headers = {"Authorization": f"Bearer {district.saved['gate_secrets'][gate_code]}"}
    answer = requests.post(f"{district.base}/api/v1/gates/{gate_code}/events", json=body, headers=headers, timeout=30)
    assert answer.status_code in (200, 201), answer.text
    with chromium() as browser:
        page = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport]).new_page()
        log_in(page, district.base, "demo-bureau", district.passwords["demo-bureau"])
        page.goto(f"{district.base}/vehicles/{vehicle}")
        timeline = page.locator("ol.timeline")
        for kind in ("firm_gate", "checkpoint", "sensing", "smoke", "obd"):
            expect(timeline.locator(f"li[data-kind={kind}]").first).to_be_visible()
        expect(timeline).to_contain_text("卡口通行")
        expect(timeline).to_contain_text("远程排放数据")
        page.locator("#timeline").scroll_into_view_if_needed()
        screenshot(page, f"roadside/timeline-{viewport}")
        page.goto(f"{district.base}/roadside/map")
        expect(page.locator("svg .map-zone").first).to_be_visible()
        screenshot(page, f"roadside/map-{viewport}")
