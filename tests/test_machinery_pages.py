"""The machinery pages through the Flask test client: login, CSRF, registration with photos, review,
verification, label, sites and declarations; bad input gets a clear message and stores nothing."""

import io

import pytest
from sqlalchemy import func, select

from registry.accounts.models import Role
from registry.accounts.services import set_password
from registry.extensions import db
from registry.machinery.models import Machinery, MachineryPhoto
from tests.support.pages import PASSWORD, PageClient, csrf_token, post
from tests.support.photos import picture

FORM = {
    "machine_type": "loader",
    "model": "ZL50GN",
    "manufacturer": "柳州柳工股份有限公司",
    "pin": "",
    "engine_model": "WD10G220E23",
    "engine_no": "WD10-0001",
    "rated_power_kw": "162",
    "fuel_type": "diesel",
    "emission_stage": "3",
    "production_date": "2021-03-01",
    "acquisition_date": "2021-04-01",
    "aftertreatment": "",
}


def machines() -> int:
    return db.session.scalar(select(func.count()).select_from(Machinery))


def test_login_refuses_a_wrong_password_and_forms_need_the_csrf_token(app, make_user, browser_for):
    user, _ = make_user(Role.CONSTRUCTION)
    set_password(None, user, PASSWORD)
    db.session.commit()
    client = PageClient(app, app.response_class, use_cookies=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    wrong = client.post("/login", data={"username": user.username, "password": "wrong-password", "csrf_token": token})
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    no_token = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert no_token.status_code == 400
    assert client.get("/machinery").status_code == 302  # not logged in: to the login page
    logged_in, _ = browser_for(Role.CONSTRUCTION)
    assert logged_in.post("/machinery/new", data=FORM).status_code == 400  # no CSRF token
    assert machines() == 0


def test_a_site_manager_registers_a_machine_with_photos(browser_for):
    client, _ = browser_for(Role.CONSTRUCTION)
    created = post(client, "/machinery/new", FORM)
    assert created.status_code == 302
    detail_url = created.headers["Location"]
    page = client.get(detail_url).get_data(as_text=True)
    assert "待审核" in page and "ZL50GN" in page and "未上传" in page
    machine_id = int(detail_url.rstrip("/").split("/")[-1])
    for seed, kind in enumerate(("nameplate", "engine_nameplate", "label")):
        answer = post(
            client,
            f"/machinery/{machine_id}/photos",
            {"kind": kind, "file": (io.BytesIO(picture(seed=seed)), f"{kind}.jpg")},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 302
    page = client.get(detail_url).get_data(as_text=True)
    assert "未上传" not in page
    with client.get(f"/machinery/{machine_id}/photos/label?thumbnail=1") as thumb:
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    listing = client.get("/machinery").get_data(as_text=True)
    assert "ZL50GN" in listing and "装载机" in listing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rated_power_kw": "-3"}, "应在 0.1 到 10000 之间"),
        ({"production_date": "2098-01-01"}, "日期不能晚于今天"),
        ({"machine_type": "spaceship"}, "必须是以下之一"),
        ({"pin": "ABC"}, "机械环保代码应为 17 位"),
    ],
)
def test_bad_input_on_the_page_gets_a_clear_message_and_stores_nothing(browser_for, change, message):
    client, _ = browser_for(Role.CONSTRUCTION)
    answer = post(client, "/machinery/new", FORM | change)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert message in page and "提交未成功" in page
    assert 'value="ZL50GN"' in page  # what the user typed is kept
    assert machines() == 0


def test_a_wrong_picture_is_refused_on_the_page(browser_for):
    client, _ = browser_for(Role.CONSTRUCTION)
    machine_id = int(post(client, "/machinery/new", FORM).headers["Location"].split("/")[-1])
    answer = post(
        client,
        f"/machinery/{machine_id}/photos",
        {"kind": "label", "file": (io.BytesIO(b"GIF89a not a jpeg"), "label.gif")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422 and "只接受 JPEG 或 PNG" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MachineryPhoto)) == 0


def test_the_bureau_reviews_approves_and_prints_a_label(browser_for, approved):
    unit_client, _ = browser_for(Role.CONSTRUCTION)
    machine_id = int(post(unit_client, "/machinery/new", FORM).headers["Location"].split("/")[-1])
    officer, _ = browser_for(Role.BUREAU)
    queue = officer.get("/machinery/review").get_data(as_text=True)
    assert "ZL50GN" in queue and "缺" in queue
    refused = post(officer, f"/machinery/{machine_id}/approve", {})
    assert refused.status_code == 422 and "缺少照片" in refused.get_data(as_text=True)
    for seed, kind in enumerate(("nameplate", "engine_nameplate", "label")):
        post(
            unit_client,
            f"/machinery/{machine_id}/photos",
            {"kind": kind, "file": (io.BytesIO(picture(seed=seed)), "p.jpg")},
            content_type="multipart/form-data",
        )
    assert post(officer, f"/machinery/{machine_id}/approve", {}).status_code == 302
    code = db.session.get(Machinery, machine_id).registration_code
    assert code and code in officer.get(f"/machinery/{machine_id}").get_data(as_text=True)
    label = unit_client.get(f"/machinery/{machine_id}/label").get_data(as_text=True)
    assert "<svg" in label and code in label and f"/verify/{code}" in label


def test_rejection_reason_is_shown_to_the_unit(browser_for):
    unit_client, _ = browser_for(Role.CONSTRUCTION)
    machine_id = int(post(unit_client, "/machinery/new", FORM).headers["Location"].split("/")[-1])
    officer, _ = browser_for(Role.BUREAU)
    assert post(officer, f"/machinery/{machine_id}/reject", {"reason": ""}).status_code == 422
    assert post(officer, f"/machinery/{machine_id}/reject", {"reason": "发动机铭牌照片模糊"}).status_code == 302
    page = unit_client.get(f"/machinery/{machine_id}").get_data(as_text=True)
    assert "退回原因" in page and "发动机铭牌照片模糊" in page


def test_public_verification_page_needs_no_login(app, approved):
    machine, _ = approved()
    client = app.test_client()
    page = client.get(f"/verify/{machine['registration_code']}")
    assert page.status_code == 200 and "有效" in page.get_data(as_text=True)
    assert "0350" not in page.get_data(as_text=True)  # no contact data
    english = client.get(f"/verify/{machine['registration_code']}?lang=en").get_data(as_text=True)
    assert "VALID" in english and "excavator" in english
    unknown = client.get("/verify/NOPE?lang=zh")
    assert unknown.status_code == 404 and "无效" in unknown.get_data(as_text=True)
    code = machine["registration_code"]
    spaced = client.get(f"/verify/{code[:6]} {code[6:10]}-{code[10:].lower()}").get_data(as_text=True)
    assert "有效" in spaced and machine["model"] in spaced and "今日未登记进场" in spaced
    assert client.get(f"/verify?code={machine['registration_code']}").status_code == 302


def test_sites_and_a_refused_declaration_on_the_page(browser_for, approved):
    client, _ = browser_for(Role.CONSTRUCTION)
    created = post(client, "/sites", {"name": "七一路改造工程", "address": "忻府区", "low_emission_zone": "on"})
    assert created.status_code == 302
    site_url = created.headers["Location"]
    machine, _ = approved(emission_stage="2", pin=None)  # another unit's China II machine
    refused = post(
        client, site_url, {"registration_code": machine["registration_code"], "from": "2026-12-01", "to": "2026-12-31"}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "不予进场登记" in page and "国二" in page and "其他单位" in page


def test_a_unit_cannot_open_another_units_machine_page(browser_for):
    owner, _ = browser_for(Role.CONSTRUCTION)
    machine_id = int(post(owner, "/machinery/new", FORM).headers["Location"].split("/")[-1])
    stranger, _ = browser_for(Role.CONSTRUCTION)
    assert stranger.get(f"/machinery/{machine_id}").status_code == 404
    assert stranger.get("/machinery/review").status_code == 403


def test_the_bureau_exports_from_the_list_page(browser_for, approved):
    approved()
    officer, _ = browser_for(Role.BUREAU)
    page = officer.get("/machinery?status=approved").get_data(as_text=True)
    assert "/machinery/export.xlsx?status=approved" in page
    export = officer.get("/machinery/export.csv?status=approved")
    assert export.status_code == 200 and "SY215C" in export.data.decode("utf-8-sig")


def test_the_unit_page_flags_machines_overdue_for_registration(browser_for):
    client, _ = browser_for(Role.CONSTRUCTION)
    post(client, "/machinery/new", FORM | {"acquisition_date": "2024-01-01"})
    page = client.get("/machinery").get_data(as_text=True)
    assert "有 1 台机械购置已超过 30 天仍未取得登记编码" in page and "逾期未登记" in page


def test_three_photos_in_one_form_keep_the_good_ones_and_name_the_bad_one(browser_for):
    client, _ = browser_for(Role.CONSTRUCTION)
    created = post(client, "/machinery/new", FORM)
    machine_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    answer = post(
        client,
        f"/machinery/{machine_id}/photos",
        {
            "nameplate": (io.BytesIO(picture(seed=1)), "a.jpg"),
            "engine_nameplate": (io.BytesIO(b"not a picture at all"), "b.jpg"),
            "label": (io.BytesIO(picture(seed=3)), "c.jpg"),
        },
        content_type="multipart/form-data",
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "已上传 2 张照片" in page
    assert "只接受 JPEG 或 PNG" in page and "only JPEG" not in page  # beside its field, in one language
    detail = client.get(f"/machinery/{machine_id}").get_data(as_text=True)
    assert detail.count("已上传，可替换") == 2 and "待上传" in detail
    assert "注销" not in detail.split("办理记录")[0]  # a pending machine has nothing to retire


def test_a_site_manager_picks_from_the_units_own_approved_machines(browser_for, approved):
    client, _ = browser_for(Role.CONSTRUCTION)
    site_url = post(client, "/sites", {"name": "物流园二期", "address": "豆罗镇"}).headers["Location"]
    others, _ = approved(emission_stage="4")  # another unit's machine is never offered
    own = post(client, "/machinery/new", FORM).headers["Location"]  # own, but still pending
    page = client.get(site_url).get_data(as_text=True)
    assert '<select name="registration_code"' in page and "本单位还没有审核通过的机械" in page
    assert others["registration_code"] not in page
    assert client.get("/pick/machinery?q=").get_json() == []  # the picker: own approved machines only
    assert own.rstrip("/").split("/")[-1].isdigit()
    officer, _ = browser_for(Role.BUREAU)
    found = officer.get(f"/pick/machinery?q={others['model']}").get_json()
    code = others["registration_code"]
    assert {"value": code, "label": f"{others['model']} · {code}"} in found
    assert 'data-pick="/pick/machinery"' in officer.get(site_url).get_data(as_text=True)
    firms = officer.get("/pick/firms?q=").get_json()
    assert isinstance(firms, list)


def test_the_bureau_names_a_construction_unit_by_picking_it_not_by_its_number(browser_for, approved):
    """Registering a machine for a unit, moving it to another and recording a site: the unit is chosen by
    name or credit code with the server's search; an unknown or ambiguous name is said beside the field."""
    from registry.sites.models import ConstructionUnit, Site

    first = ConstructionUnit(name="忻州路桥建设有限公司", credit_code="91140900MA0K12345X")
    second = ConstructionUnit(name="山西建投第五建筑有限公司", credit_code="91140000110012345A")
    twins = [ConstructionUnit(name="同名建筑公司"), ConstructionUnit(name="同名建筑公司")]
    db.session.add_all([first, second, *twins])
    db.session.commit()
    client, _ = browser_for(Role.BUREAU)

    form = client.get("/machinery/new").get_data(as_text=True)
    assert 'name="unit"' in form and 'data-pick="/pick/units"' in form and "unit_id" not in form
    choices = client.get("/pick/units?q=路桥").get_json()
    assert choices == [{"value": "91140900MA0K12345X", "label": "忻州路桥建设有限公司（91140900MA0K12345X）"}]
    assert {c["value"] for c in client.get("/pick/units?q=91140000").get_json()} == {"91140000110012345A"}
    assert len(client.get("/pick/units?q=同名").get_json()) == 2

    unknown = post(client, "/machinery/new", FORM | {"unit": "没有这家公司"})
    assert unknown.status_code == 422 and "找不到该施工单位" in unknown.get_data(as_text=True)
    ambiguous = post(client, "/machinery/new", FORM | {"unit": "同名建筑公司"})
    assert ambiguous.status_code == 422 and "统一社会信用代码" in ambiguous.get_data(as_text=True)
    assert 'value="同名建筑公司"' in ambiguous.get_data(as_text=True)  # what was typed stays
    assert machines() == 0

    created = post(client, "/machinery/new", FORM | {"unit": "91140900ma0k12345x"})  # lower case is fine
    assert created.status_code == 302, created.get_data(as_text=True)
    machine = db.session.get(Machinery, int(created.headers["Location"].split("/")[-1]))
    assert machine.unit_id == first.id
    by_name = post(client, "/machinery/new", FORM | {"unit": "山西建投第五建筑有限公司", "engine_no": "WD10-0002"})
    assert by_name.status_code == 302

    machine = db.session.get(Machinery, approved()[0]["id"])
    detail = client.get(f"/machinery/{machine.id}").get_data(as_text=True)
    assert 'data-pick="/pick/units"' in detail
    moved = post(client, f"/machinery/{machine.id}/transfer", {"unit": "山西建投第五建筑有限公司", "note": "转让"})
    assert moved.status_code == 302
    db.session.refresh(machine)
    assert machine.unit_id == second.id
    refused = post(client, f"/machinery/{machine.id}/transfer", {"unit": ""})
    assert refused.status_code == 422 and "请选择施工单位" in refused.get_data(as_text=True)

    site = post(client, "/sites", {"name": "滹沱河大桥", "unit": "忻州路桥建设有限公司"})
    assert site.status_code == 302
    assert db.session.scalar(select(Site.unit_id).where(Site.name == "滹沱河大桥")) == first.id


def test_only_the_bureau_searches_all_construction_units(browser_for):
    client, _ = browser_for(Role.CONSTRUCTION)
    assert client.get("/pick/units?q=建筑").status_code == 403
    assert 'name="unit"' not in client.get("/machinery/new").get_data(as_text=True)
