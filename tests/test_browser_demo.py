"""The demo as a newcomer meets it (issue 30, item 9), in a real browser at a phone's and a desktop's size:
after `flask demo seed --history-hours 24` (what `make run` does) the review queue is short, each case
shows the truck's picture with its plate boxed, and the cloned plate's two pictures sit side by side.
Screenshots go to test-artifacts/demo/."""

import json

import pytest
from playwright.sync_api import expect

from tests.support.databases import empty_database, flask_cli
from tests.support.web import chromium, screenshot, served_registry
from tests.test_browser_machinery import log_in
from tests.test_browser_pages import VIEWPORTS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    with empty_database(folder) as url:
        env = {"INSTANCE_PATH": str(folder)}
        assert flask_cli(url, "db", "upgrade", env=env).returncode == 0
        seeded = flask_cli(
            url, "demo", "seed", "--history-hours", "24", "--credentials", str(folder / "c.json"), env=env
        )
        assert seeded.returncode == 0, seeded.stderr
        passwords = json.loads((folder / "c.json").read_text(encoding="utf-8"))["page_passwords"]
        with served_registry(url, folder) as base:
            yield base, passwords


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_a_newcomer_sees_a_short_queue_with_evidence(demo, viewport):
    base, passwords = demo
    with chromium() as browser:
        page = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport]).new_page()
        log_in(page, base, "demo-police", passwords["demo-police"])
        page.get_by_role("link", name="案件复核").click()
        total = page.locator("main > p").filter(has_text="共").first.inner_text()
        assert 3 <= int(total.split()[1]) <= 15, total
        screenshot(page, f"demo/police-{viewport}-1-queue")
        page.goto(f"{base}/cases?rule=CLONED_PLATE&status=")
        page.locator("#cases tbody tr td.card-title a").first.click()
        pictures = page.locator("#compared img")
        expect(pictures).to_have_count(2)
        for index in range(2):  # each loads (a phone loads them lazily, once scrolled to)
            pictures.nth(index).scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=pictures.nth(index).element_handle()
            )
        screenshot(page, f"demo/police-{viewport}-2-cloned-plate")
        page.goto(f"{base}/cases?rule=PHASE_OUT&status=")
        page.locator("#cases tbody tr td.card-title a").first.click()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=page.locator("#evidence").element_handle()
        )
        expect(page.locator("#findings")).to_contain_text("国三及以下柴油货车淘汰")
        screenshot(page, f"demo/police-{viewport}-3-china-iii")
        if viewport == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 391
