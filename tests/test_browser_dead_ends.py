"""Dead ends people met in the pages (issue 30), walked in Debian's chromium at both sizes against the
demo district: a search by a gate's name finds it or offers the matches, and the evaluation's XLSX
report downloads for the signed-in officer instead of opening the API's 401."""

import pytest
from playwright.sync_api import expect

from tests.support.databases import empty_database
from tests.support.gateway import LiveDistrict
from tests.support.web import chromium, screenshot, served_registry
from tests.test_browser_machinery import PHONE, follow, log_in

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"viewport": {"width": 1366, "height": 900}}, "phone": PHONE}


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """One served demo district for the module: its tests read it, and what they add is their own."""
    folder = tmp_path_factory.mktemp("dead-ends")
    with empty_database(folder) as url:
        district = LiveDistrict(url, folder)
        with served_registry(url, folder) as base:
            district.base = base
            yield district
        district.engine.dispose()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_gate_searched_by_name_and_the_evaluation_report_downloaded(district, size):
    with chromium() as browser:
        page = browser.new_context(locale="zh-CN", accept_downloads=True, **SIZES[size]).new_page()
        log_in(page, district.base, "demo-police", district.passwords["demo-police"])
        page.goto(f"{district.base}/violations?gate=北门")
        expect(page.get_by_text("“北门”即门禁：北门 · 忻州市华电热电有限公司")).to_be_visible()
        page.goto(f"{district.base}/violations?gate=门")
        hint = page.locator(".notice").first
        expect(hint).to_contain_text("请选择一个")
        screenshot(page, f"dead-ends-{size}-gate-by-name")
        with page.expect_navigation():
            hint.get_by_role("link", name="北门 · 忻州市华电热电有限公司").click()
        expect(page.get_by_text("“门”对应")).to_have_count(0)
        assert "gate=G" in page.url  # the chosen gate's code
        follow(page, "预警")
        page.get_by_role("link", name="执行评估").first.click()
        expect(page.get_by_role("heading", name="错峰运输执行评估")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="导出 XLSX 报告").click()
        assert download.value.suggested_filename.endswith("-evaluation.xlsx")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_an_uplink_failing_for_hours_shows_on_the_dashboard_in_chinese(district, size):
    """Issue 30, item 5: a higher platform that keeps failing shows on the bureau's dashboard in words, the
    raw technical text folded away for the administrator only."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from registry.uplink.models import UplinkTarget

    with chromium() as browser:
        admin = browser.new_context(locale="zh-CN", **SIZES[size]).new_page()
        log_in(admin, district.base, "demo-admin", district.passwords["demo-admin"])
        admin.goto(f"{district.base}/uplink")
        form = admin.locator("#add-target")
        name = f"市级平台{size}"
        form.get_by_label("名称").fill(name)
        form.get_by_label("接收地址（https）").fill("https://8.8.8.8/api/v1/reports/batches")
        form.get_by_label("令牌（上级平台发放）").fill("city-token-1")
        with admin.expect_navigation():
            form.get_by_role("button", name="添加").click()
        expect(admin.locator(".flash")).to_contain_text(f"已添加上报目标“{name}”")
        failing = {"failures": 37, "last_error": "上级平台无应答（连接超时） / the higher platform did not answer",
                   "last_error_detail": "ConnectTimeout: HTTPSConnectionPool(host='8.8.8.8', port=443)",
                   "last_error_at": datetime.now(UTC) - timedelta(minutes=3),
                   "last_success_at": datetime.now(UTC) - timedelta(hours=5)}  # fmt: skip
        with district.engine.begin() as connection:
            connection.execute(update(UplinkTarget.__table__).where(UplinkTarget.name == name).values(**failing))
        officer = browser.new_context(locale="zh-CN", **SIZES[size]).new_page()
        log_in(officer, district.base, "demo-bureau", district.passwords["demo-bureau"])
        officer.goto(f"{district.base}/dashboard")
        card = officer.locator("#uplink-failing")
        expect(card).to_contain_text("数据上报失败")
        expect(card).to_contain_text(f"{name} 连续失败 37 次")
        expect(card).to_contain_text("上级平台无应答（连接超时）")
        expect(card).not_to_contain_text("did not answer")
        expect(card).not_to_contain_text("ConnectTimeout")  # the raw text is the administrator's
        screenshot(officer, f"dead-ends-{size}-uplink-on-dashboard")
        admin.goto(f"{district.base}/dashboard")
        details = admin.locator("#uplink-failing details").last  # this size's target: listed by name, after desktop's
        expect(details.locator("pre")).to_be_hidden()  # folded
        details.locator("summary").click()
        expect(details.locator("pre")).to_contain_text("ConnectTimeout")
        if size == "phone":
            assert officer.evaluate("document.documentElement.scrollWidth") <= 391
