"""In a real browser at a phone's and a desktop's size: a police officer works through the review queue
(one case per pass, all its findings at once), a firm's gate office sees its own cases without a review
form, and the bureau compares the two pictures of a suspected cloned plate. Screenshots go to
test-artifacts/cases/."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.support.databases import flask_cli
from tests.support.demo_day import demo_day, photo, post_read
from tests.support.pictures import real_photo
from tests.support.web import chromium, screenshot
from tests.test_browser_machinery import log_in
from tests.test_browser_pages import VIEWPORTS

pytestmark = pytest.mark.browser
FAR_APART = ("忻州市钢铁铸造有限公司", "忻府区恒盛水泥有限公司")  # about 25 km between their gates


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """The demo day, and one truck read at two gates about 25 km apart a minute apart."""
    with demo_day(tmp_path_factory.mktemp("cases")) as district:
        now = datetime.now(UTC) - timedelta(hours=1)
        for minutes, firm in enumerate(FAR_APART):
            code = district.scalar(
                f"SELECT gates.code FROM gates JOIN firms ON firms.id = gates.firm_id WHERE firms.name = '{firm}'"
            )
            body = {
                "event_id": f"clone-{minutes}",
                "plate": "晋H10003",
                "plate_color": "yellow",
                "direction": "in",
                "captured_at": (now + timedelta(minutes=minutes)).isoformat(),
                "confidence": 0.95,
                "images": {"vehicle": photo()},
            }
            answer = post_read(district.base, code, district.gate_secrets[code], body)
        district.cloned_case = answer["id"]
        # The camera reads yellow; the picture is a blue plate: the gate goes by the camera, and the
        # background analysis asks a person about the colour (号牌颜色复核).
        body = body | {
            "event_id": "colour-1",
            "plate": "晋H66666",
            "images": {"plate": base64.b64encode(real_photo("blue", "plate_crop")).decode()},
        }
        district.colour_case = post_read(district.base, code, district.gate_secrets[code], body)["id"]
        analysed = flask_cli(district.url, "pictures", "analyse-pending", env={"INSTANCE_PATH": str(district.folder)})
        assert analysed.returncode == 0, analysed.stderr
        yield district


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_police_work_through_the_queue(district, viewport):
    with chromium() as browser:
        page = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport]).new_page()
        log_in(page, district.base, "demo-police", district.passwords["demo-police"])
        page.get_by_role("link", name="案件复核").click()
        expect(page.get_by_role("heading", name="案件复核")).to_be_visible()
        cards = page.locator("#cases tbody tr")
        expect(cards.first).to_contain_text("待处理")
        before = page.locator("main > p").filter(has_text="共").inner_text()
        screenshot(page, f"cases/police-{viewport}-1-queue")
        cards.first.locator("td.card-title a").click()
        expect(page.locator("#findings")).to_contain_text("违规判定")
        expect(page.locator("#status")).to_have_text("待处理")
        first_url = page.url
        screenshot(page, f"cases/police-{viewport}-2-case")
        plate = page.locator("h1").inner_text().split(" ·")[0].strip()
        findings = page.locator("li.finding")
        count = findings.count()
        page.get_by_role("button", name="提交复核").click()  # nothing chosen: each finding says so
        expect(page.locator("li.finding .field-error").first).to_contain_text("请选择确认或驳回")
        # the first finding confirmed, every other dismissed, each with what was checked (issue 30)
        findings.nth(0).get_by_label("确认", exact=True).check()
        findings.nth(0).get_by_label("核实情况 / 驳回理由").fill("现场核对行驶证，属实")
        for n in range(1, count):
            findings.nth(n).get_by_label("驳回", exact=True).check()
            findings.nth(n).get_by_label("核实情况 / 驳回理由").fill("误识别")
        screenshot(page, f"cases/police-{viewport}-2b-deciding")
        page.get_by_role("button", name="提交复核").click()
        flash = page.locator(".flash, [role=status]").filter(has_text="已复核").first
        expect(flash).to_contain_text(f"已复核 {plate}：已确认 1 项")
        if count > 1:
            expect(flash).to_contain_text(f"已驳回 {count - 1} 项")
        assert page.url != first_url  # on to the next open case, and the page says which plate was handled
        screenshot(page, f"cases/police-{viewport}-3-next-case")
        page.goto(first_url)
        expect(page.locator("#status")).to_have_text("已确认")
        expect(page.locator("#findings")).to_contain_text("现场核对行驶证，属实")
        expect(page.get_by_role("button", name="提交复核")).to_have_count(0)
        page.goto(f"{district.base}/cases")
        after = page.locator("main > p").filter(has_text="共").inner_text()
        assert int(after.split()[1]) == int(before.split()[1]) - 1
        if viewport == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 391


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_bureau_compares_the_two_pictures_of_a_cloned_plate(district, viewport):
    with chromium() as browser:
        page = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport]).new_page()
        log_in(page, district.base, "demo-bureau", district.passwords["demo-bureau"])
        page.goto(f"{district.base}/cases?rule=CLONED_PLATE&status=")
        expect(page.locator("#cases")).to_contain_text("套牌嫌疑")
        page.goto(f"{district.base}/cases/{district.cloned_case}")
        compared = page.locator("#compared")
        expect(compared).to_contain_text("两次识别对比")
        pictures = compared.locator("img")
        expect(pictures).to_have_count(2)
        for index in range(2):  # both pictures load (naturalWidth > 0), not their fallback text
            assert pictures.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
        screenshot(page, f"cases/bureau-{viewport}-cloned-plate")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_police_see_the_colour_question_beside_the_camera_decision(district, viewport):
    with chromium() as browser:
        page = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport]).new_page()
        log_in(page, district.base, "demo-police", district.passwords["demo-police"])
        page.goto(f"{district.base}/cases/{district.colour_case}")
        findings = page.locator("#findings")
        expect(findings).to_contain_text("号牌颜色复核")
        expect(findings).to_contain_text("摄像机上报为黄牌，图片测得为蓝牌")
        expect(findings).to_contain_text("闸机按摄像机颜色判定")
        expect(page.locator("h1")).to_contain_text("待人工复核")  # the camera's yellow: an unregistered truck
        assert page.locator("#evidence").evaluate("img => img.complete && img.naturalWidth > 0")
        screenshot(page, f"cases/police-{viewport}-colour-question")
        if viewport == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 391


def test_a_firm_sees_its_own_cases_and_cannot_review_them(district):
    with chromium() as browser:
        page = browser.new_context(locale="zh-CN", **VIEWPORTS["phone"]).new_page()
        log_in(page, district.base, "demo-firm", district.passwords["demo-firm"])
        page.get_by_role("link", name="本企业案件").click()
        cards = page.locator("#cases tbody tr")
        expect(cards.first).to_contain_text("忻州市华电热电有限公司")
        for firm in page.locator("#cases td[data-label='企业 / 门禁']").all_inner_texts():
            assert firm.startswith("忻州市华电热电有限公司")
        cards.first.locator("td.card-title a").click()
        expect(page.locator("#findings")).to_be_visible()
        expect(page.locator("#review")).to_have_count(0)
        expect(page.locator("#compared")).to_have_count(0)
        screenshot(page, "cases/firm-phone-case")
