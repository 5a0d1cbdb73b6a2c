"""A driver scans a gate's QR code and registers the truck on a phone; a bureau officer compares the
fields with the document photos, corrects the stage and approves. Real browser (Playwright driving
Debian's chromium), real server (gunicorn), the demo district. Screenshots go to test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.photos import picture
from tests.support.web import chromium, screenshot
from tests.test_browser_machinery import PHONE, district, follow, log_in, press  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_a_driver_registers_by_the_qr_page_and_the_bureau_approves(district, tmp_path):  # noqa: F811
    photos = {}
    for seed, kind in enumerate(("licence_front", "licence_back", "environmental_list")):
        photos[kind] = tmp_path / f"{kind}.jpg"
        photos[kind].write_bytes(picture(1600, 1200, seed=seed))

    with chromium() as browser:
        desk = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        officer = desk.new_page()
        log_in(officer, district.base, "demo-bureau", district.passwords["demo-bureau"])
        officer.goto(f"{district.base}/gates/{district.gate}/registration-qr")
        expect(officer.locator(".label-sheet svg")).to_be_visible()
        link = officer.locator(".label-sheet small").last.inner_text().strip()
        assert f"/register-truck?gate={district.gate}." in link  # the code and its MAC
        screenshot(officer, "registration-1-gate-qr-code")

        page = browser.new_context(locale="zh-CN", **PHONE).new_page()
        page.goto(link)  # what the phone's camera opens
        page.get_by_label("号牌号码").fill("晋H36666")
        page.locator("[name=plate_color]").select_option("yellow")
        page.locator("[name=vin]").fill("LZZ5BLSJ1KW123457")
        page.locator("[name=engine_no]").fill("WP10H-20210801")
        page.locator("[name=registration_date]").fill("2021-08-01")
        page.locator("[name=fuel_type]").select_option("diesel")
        page.locator("[name=emission_stage]").select_option("6")
        page.locator("[name=vehicle_class]").select_option("heavy_truck")
        page.get_by_label("车主或车队名称").fill("忻州顺达物流有限公司")
        page.locator("input[name=licence_front]").set_input_files(str(photos["licence_front"]))
        press(page, "提交登记")  # the environmental list is missing
        expect(page.get_by_text("请拍摄此证件")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "registration-2-driver-phone-missing-photo")
        expect(page.get_by_text("已保留此前拍摄的照片").first).to_be_visible()  # the licence photo stays
        for kind in ("licence_back", "environmental_list"):
            page.locator(f"input[name={kind}]").set_input_files(str(photos[kind]))
        page.locator("[name=vin]").fill("LZZ5BLSJ8KW123457")  # a wrong check digit, as a driver mistypes it
        press(page, "提交登记")
        expect(page.get_by_text("第 9 位校验位为“8”")).to_be_visible()  # which character (issue 30)
        expect(page.get_by_text("已保留此前拍摄的照片")).to_have_count(3)  # no photo taken again
        screenshot(page, "registration-2b-driver-phone-vin-corrected-photos-kept")
        page.locator("[name=vin]").fill("LZZ5BLSJ1KW123457")
        press(page, "提交登记")  # the photos are not chosen again
        expect(page.get_by_text("登记已提交")).to_be_visible()
        reference = re.search(r"R\d{6}", page.inner_text("main")).group(0)
        screenshot(page, "registration-3-driver-phone-submitted")

        officer.goto(f"{district.base}/dashboard")
        follow(officer, "车辆登记审核")
        with officer.expect_navigation():
            officer.get_by_role("link", name=reference).click()
        expect(officer.get_by_role("img", name="环保信息随车清单")).to_be_visible()
        screenshot(officer, "registration-4-bureau-review-documents-beside-fields")
        officer.locator("[name=emission_stage]").select_option("5")  # the list says 国五
        press(officer, "核实通过")
        expect(officer.get_by_text("已登记车辆 晋H36666")).to_be_visible()
        assert district.scalar("SELECT stage_source FROM vehicles WHERE plate = '晋H36666'") == "verified"
        assert district.scalar("SELECT emission_stage FROM vehicles WHERE plate = '晋H36666'") == "5"

        phone_review = browser.new_context(locale="zh-CN", **PHONE).new_page()
        log_in(phone_review, district.base, "demo-bureau", district.passwords["demo-bureau"])
        phone_review.goto(f"{district.base}/registrations/{int(reference[1:])}")
        assert phone_review.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone_review, "registration-5-bureau-phone-approved")
        follow(phone_review, "查看车辆证件")
        expect(phone_review.get_by_text("已核实").first).to_be_visible()
        assert phone_review.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone_review, "registration-6-vehicle-documents-phone")
