"""A site manager on a phone registers a machine with its photos; a bureau officer approves it and
prints the label; anyone verifies the code. Real browser (Playwright driving Debian's chromium), real
server (gunicorn), the demo district's database. Screenshots go to test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.databases import empty_database
from tests.support.gateway import LiveDistrict
from tests.support.photos import picture
from tests.support.web import chromium, screenshot, served_registry

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def district(tmp_path):
    with empty_database(tmp_path) as url:
        district = LiveDistrict(url, tmp_path)
        with served_registry(url, tmp_path) as base:
            district.base = base
            yield district
        district.engine.dispose()


def press(page, button: str) -> None:
    """Click a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def follow(page, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).click()


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    press(page, "登录")


def test_register_approve_and_verify_in_a_browser(district, tmp_path):
    photos = {}
    for seed, kind in enumerate(("nameplate", "engine_nameplate", "label")):
        photos[kind] = tmp_path / f"{kind}.jpg"
        photos[kind].write_bytes(picture(1280, 960, seed=seed))

    with chromium() as browser:
        phone = browser.new_context(locale="zh-CN", **PHONE)
        page = phone.new_page()
        log_in(page, district.base, "demo-site", district.passwords["demo-site"])
        follow(page, "登记新机械")
        page.get_by_label("机械类型").select_option("excavator")
        page.get_by_label("型号", exact=False).and_(page.locator("[name=model]")).fill("SY135C")
        page.get_by_label("生产厂家").fill("三一重机有限公司")
        page.get_by_label("发动机型号").fill("4JG1")
        page.get_by_label("发动机编号").fill("4JG1-20260001")
        page.get_by_label("额定功率（kW）").fill("-70")  # a slip of the thumb
        page.get_by_label("燃料类型").select_option("diesel")
        page.locator("[name=emission_stage]").select_option("4")
        page.locator("[name=production_date]").fill("2025-06-01")
        page.get_by_label("购置日期").fill("2025-07-01")
        press(page, "提交登记")
        expect(page.get_by_text("提交未成功")).to_be_visible()
        screenshot(page, "machinery-1-site-manager-form-error")
        page.get_by_label("额定功率（kW）").fill("70")
        press(page, "提交登记")
        expect(page.get_by_text("待审核").first).to_be_visible()
        expect(page.get_by_role("button", name="注销")).to_have_count(0)  # nothing to retire while pending
        kinds = (("nameplate", "机械铭牌"), ("engine_nameplate", "发动机铭牌"), ("label", "环保信息标签"))
        for kind, _ in kinds:  # all three in one form, as a phone's camera gives them
            page.locator(f"#photo-form input[name={kind}]").set_input_files(str(photos[kind]))
        press(page, "上传照片")
        expect(page.get_by_text("照片已上传（3 张）")).to_be_visible()
        for _, label in kinds:
            expect(page.get_by_role("img", name=label)).to_be_visible()
        screenshot(page, "machinery-2-site-manager-registered-with-photos")
        detail_url = page.url

        desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        officer = desk.new_page()
        log_in(officer, district.base, "demo-bureau", district.passwords["demo-bureau"])
        expect(officer).to_have_url(re.compile(r"/dashboard$"))  # the bureau's home page
        follow(officer, "机械审核")
        row = officer.get_by_role("row").filter(has_text="SY135C")
        screenshot(officer, "machinery-3-bureau-review-queue")
        with officer.expect_navigation():
            row.get_by_role("link", name="审核").click()
        press(officer, "通过并发放登记编码")
        expect(officer.get_by_text("已通过审核并发放登记编码")).to_be_visible()
        expect(officer.locator("#registration-code")).to_have_text(re.compile(r"^\s*140902\d{10}\s*$"))
        code = officer.locator("#registration-code").inner_text().strip()
        assert re.fullmatch(r"140902\d{4}\d{6}", code)
        screenshot(officer, "machinery-4-bureau-approved")
        follow(officer, "打印标识（二维码）")
        expect(officer.locator(".label-sheet svg")).to_be_visible()
        screenshot(officer, "machinery-5-printable-label")

        page.goto(detail_url)
        expect(page.locator("#registration-code")).to_have_text(code)
        public = browser.new_context(locale="zh-CN", **PHONE).new_page()
        public.goto(f"{district.base}/verify")
        public.get_by_label("登记编码").fill(code)
        press(public, "查验")
        expect(public.locator("#verification").get_by_text("有效", exact=True)).to_be_visible()
        screenshot(public, "machinery-6-public-verification")
