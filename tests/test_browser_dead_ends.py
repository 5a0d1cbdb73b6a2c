"""Dead ends people met in the pages (issue 30), walked in Debian's chromium at both sizes against the
demo district: a search by a gate's name finds it or offers the matches, and the evaluation's XLSX
report downloads for the signed-in officer instead of opening the API's 401."""

import pytest
from playwright.sync_api import expect

from tests.support.web import chromium, screenshot
from tests.test_browser_machinery import PHONE, district, follow, log_in  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"viewport": {"width": 1366, "height": 900}}, "phone": PHONE}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_gate_searched_by_name_and_the_evaluation_report_downloaded(district, size):  # noqa: F811
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
