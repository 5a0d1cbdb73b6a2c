"""In a real browser at a phone's and a desktop's size (issue 30, "done when"): the bureau registers a firm,
gives it a gate (its secret shown once), registers a truck and imports a CSV of trucks, all from the
pages; a firm's clerk imports weighbridge tickets, chooses the pass of an ambiguous one and downloads
the ledger. Screenshots go to test-artifacts/register/."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from registry.common.time import LOCAL_TZ
from registry.demo import data
from tests.support.demo_day import demo_day, post_read
from tests.support.web import chromium, screenshot
from tests.test_browser_machinery import log_in, press
from tests.test_browser_pages import VIEWPORTS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    with demo_day(tmp_path_factory.mktemp("register")) as district:
        yield district


def phone_fits(page, viewport: str) -> None:
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 391, page.url


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_bureau_registers_a_firm_a_gate_and_trucks_in_the_pages(district, viewport, tmp_path):
    n = sorted(VIEWPORTS).index(viewport)
    with chromium() as browser:
        page = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport]).new_page()
        log_in(page, district.base, "demo-bureau", district.passwords["demo-bureau"])
        page.get_by_role("link", name="登记管理").click()
        expect(page.get_by_role("heading", name="企业")).to_be_visible()
        page.get_by_role("link", name="登记企业").click()
        page.get_by_label("企业名称").fill(f"忻州测试焦化{n}厂")
        page.get_by_label("行业").select_option(label="焦化")
        page.get_by_label("年货运量（吨）").fill("2,000,000")
        page.get_by_label("绩效分级").select_option(label="C级")
        page.get_by_label("位于规划区内").check()
        press(page, "保存")
        expect(page.locator(".flash")).to_contain_text(f"企业“忻州测试焦化{n}厂”已登记")
        expect(page.locator("main")).to_contain_text("2,000,000 吨")
        phone_fits(page, viewport)
        screenshot(page, f"register/bureau-{viewport}-1-firm")

        expect(page.locator("#add-gate")).to_have_attribute("open", "")  # a firm without a gate: open already
        page.get_by_label("门禁名称").fill("东门")
        page.get_by_label("纬度（WGS-84）").fill("38.42")
        page.get_by_label("经度（WGS-84）").fill("112.74")
        press(page, "添加门禁并生成密钥")
        expect(page.locator("h1")).to_contain_text("门禁已添加")
        secret = page.locator("#gate-secret").inner_text()
        assert len(secret) >= 40
        phone_fits(page, viewport)
        screenshot(page, f"register/bureau-{viewport}-2-gate-secret")
        page.get_by_role("link", name="已抄录，查看门禁").click()
        expect(page.locator("main")).not_to_contain_text(secret)  # shown once only
        expect(page.get_by_role("button", name="更换门禁密钥")).to_be_visible()
        screenshot(page, f"register/bureau-{viewport}-3-gate")

        page.goto(f"{district.base}/vehicles/new")
        page.get_by_label("号牌号码").fill(f"晋H6600{n}")
        page.get_by_label("号牌颜色").select_option(label="黄牌")
        page.get_by_label("车辆识别代号（VIN，17 位）").fill("LFWSRXSJ4M1A00001")  # a wrong check digit
        page.get_by_label("燃料类型").select_option(label="柴油")
        page.get_by_label("排放阶段（见随车清单）").select_option(label="国六")
        page.get_by_label("车辆类型").select_option(label="重型货车")
        press(page, "保存")
        expect(page.locator(".field-error").first).to_contain_text("第 9 位")
        screenshot(page, f"register/bureau-{viewport}-4-truck-error")
        page.get_by_label("车辆识别代号（VIN，17 位）").fill("")  # not at hand: left for the documents' check
        press(page, "保存")
        expect(page.locator(".flash")).to_contain_text(f"车辆 晋H6600{n} 已登记")
        screenshot(page, f"register/bureau-{viewport}-5-truck")

        csv = tmp_path / "trucks.csv"
        csv.write_text(
            "号牌号码,号牌颜色,燃料类型,排放阶段,车辆类型,车主或车队\n"
            f"晋H6610{n},黄牌,柴油,国五,重型货车,顺达\n"
            f"晋H6620{n},紫牌,柴油,国六,重型货车,顺达\n",
            encoding="gb18030",
        )
        page.goto(f"{district.base}/vehicles")
        page.get_by_role("link", name="批量导入（CSV）").click()
        page.get_by_label("CSV 文件").set_input_files(csv)
        press(page, "上传并导入")
        expect(page.locator("[role=alert]").first).to_contain_text("未导入任何车辆")
        expect(page.locator("#import-errors")).to_contain_text("第 3 行")
        phone_fits(page, viewport)
        screenshot(page, f"register/bureau-{viewport}-6-import-refused")
        page.get_by_label("CSV 文件").set_input_files(csv)
        page.get_by_label("只导入正确的行").check()
        press(page, "上传并导入")
        expect(page.locator(".flash")).to_contain_text("新增 1 辆")
        screenshot(page, f"register/bureau-{viewport}-7-import-partial")
        page.goto(f"{district.base}/vehicles?q=晋H661")
        expect(page.locator("main table")).to_contain_text(f"晋H6610{n}")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_a_firm_imports_tickets_resolves_an_ambiguous_one_and_downloads_its_ledger(district, viewport, tmp_path):
    n = sorted(VIEWPORTS).index(viewport)
    plate = f"晋H9988{n}"
    firm = district.scalar(f"SELECT id FROM firms WHERE name = '{data.FIRM_USER_FIRM}'")
    code = district.scalar(f"SELECT code FROM gates WHERE firm_id = {firm} ORDER BY code LIMIT 1")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    for minutes in (0, 20):  # two passes out 20 minutes apart; the ticket is weighed between them
        body = {"event_id": f"amb-{n}-{minutes}", "plate": plate, "plate_color": "yellow", "direction": "out",
                "captured_at": (start + timedelta(minutes=minutes)).isoformat(), "confidence": 0.95}  # fmt: skip
        post_read(district.base, code, district.gate_secrets[code], body)
    weighed = (start + timedelta(minutes=10)).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")
    tickets = tmp_path / "磅单.csv"
    tickets.write_text(
        f"磅单号,车牌号,过磅时间,毛重,皮重,货物名称\nT{n}-1,{plate},{weighed},49.3,15.1,原煤\nT{n}-2,坏车牌,{weighed},1,1,煤\n",
        encoding="utf-8-sig",
    )
    with chromium() as browser:
        context = browser.new_context(locale="zh-CN", accept_downloads=True, **VIEWPORTS[viewport])
        page = context.new_page()
        log_in(page, district.base, "demo-firm", district.passwords["demo-firm"])
        expect(page.get_by_role("heading", name=data.FIRM_USER_FIRM)).to_be_visible()  # the portal is home
        screenshot(page, f"register/firm-{viewport}-1-portal")
        page.locator("main").get_by_role("link", name="地磅单").click()
        fold = page.locator("details", has=page.get_by_text("导入磅单文件"))
        if fold.get_attribute("open") is None:  # open by itself while the firm has no ticket
            fold.locator("summary").click()
        page.get_by_label("文件").set_input_files(tickets)
        press(page, "上传并匹配")
        expect(page.locator(".flash")).to_contain_text("新增 1")
        expect(page.locator("#import-problems")).to_contain_text("第 3 行")
        phone_fits(page, viewport)
        screenshot(page, f"register/firm-{viewport}-2-imported")
        page.goto(f"{district.base}/firms/{firm}/weigh-tickets?status=ambiguous")
        row = page.locator("tr", has_text=f"T{n}-1")
        expect(row).to_contain_text("待人工选择")
        row.locator("input[name=pass_id]").first.check()
        screenshot(page, f"register/firm-{viewport}-3-choosing")
        with page.expect_navigation():
            row.get_by_role("button", name="确定").click()
        expect(page.locator(".flash")).to_contain_text(f"磅单 T{n}-1（{plate}）已对应所选过车")
        phone_fits(page, viewport)

        page.get_by_role("link", name="门禁台账").click()
        expect(page.get_by_role("heading", name="门禁电子台账")).to_be_visible()
        expect(page.locator("main table")).to_contain_text(plate)
        phone_fits(page, viewport)
        screenshot(page, f"register/firm-{viewport}-4-ledger")
        pictured = district.scalar(
            "SELECT e.id FROM plate_events e JOIN pass_images i ON i.plate_event_id = e.id"
            f" JOIN gates g ON g.id = e.gate_id WHERE g.firm_id = {firm} ORDER BY e.id LIMIT 1"
        )
        page.goto(f"{district.base}/passes/{pictured}")  # the ledger's 车辆照片 link
        assert page.locator("img.evidence-picture").evaluate("img => img.complete && img.naturalWidth > 0")
        phone_fits(page, viewport)
        screenshot(page, f"register/firm-{viewport}-5-pass")
        page.go_back()
        with page.expect_download() as download:
            page.get_by_role("link", name="导出 XLSX（表 3–5 及校验）").click()
        saved = tmp_path / "ledger.xlsx"
        download.value.save_as(saved)
        assert saved.read_bytes()[:2] == b"PK"  # a workbook, not a JSON error
