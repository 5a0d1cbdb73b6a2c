"""The registry's own records in the pages (issue 30, item 1): the bureau lists, finds, registers and
changes firms, gates and trucks, imports a CSV of trucks with a line-by-line report, records construction
units and adds a rule's version; the administrator manages users. Every change is audited as the API's."""

import io
import re

from sqlalchemy import select

from registry.accounts.models import ApiToken, Role, User
from registry.accounts.services import authenticate, issue_token
from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.models import Gate
from registry.gates.services import authenticate_gate
from registry.policies.models import Policy
from registry.sites.models import ConstructionUnit
from registry.vehicles.models import Vehicle
from tests.support.pages import post

FIRM = {"name": "华电忻州热电", "credit_code": "", "industry": "power", "annual_freight_tonnes": "1,600,000",
        "performance_grade": "B", "region": "忻府区", "in_planning_area": "on"}  # fmt: skip


def test_the_bureau_registers_and_changes_a_firm_and_its_history_shows_who_changed_what(browser_for):
    officer, _ = browser_for(Role.BUREAU)
    refused = post(officer, "/firms/new", FIRM | {"name": "", "annual_freight_tonnes": "很多"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "未保存" in text and 'value="很多"' in text  # kept, with the error
    created = post(officer, "/firms/new", FIRM)
    assert created.status_code == 302
    firm = db.session.scalar(select(Firm).where(Firm.name == "华电忻州热电"))
    assert (firm.annual_freight_tonnes, firm.in_planning_area, firm.region) == (1_600_000, True, "忻府区")
    changed = post(officer, f"/firms/{firm.id}/edit", FIRM | {"performance_grade": "A", "in_planning_area": ""})
    assert changed.status_code == 302
    page = officer.get(f"/firms/{firm.id}").get_data(as_text=True)
    assert "B级 → <strong>A级</strong>" in page and "位于规划区" in page  # the history, in words
    listed = officer.get("/firms?industry=power&q=华电").get_data(as_text=True)
    assert "华电忻州热电" in listed and "共 1 家" in listed
    assert officer.get("/firms?industry=nuclear").status_code == 422  # a filter not understood lists nothing
    police, _ = browser_for(Role.POLICE)
    assert police.get(f"/firms/{firm.id}").status_code == 200
    assert "修改企业信息" not in police.get(f"/firms/{firm.id}").get_data(as_text=True)
    assert post(police, "/firms/new", FIRM | {"name": "另一家"}).status_code == 403


def test_a_gate_is_added_from_its_firm_and_its_secret_is_shown_once_and_works(browser_for, make_firm):
    officer, _ = browser_for(Role.BUREAU)
    firm = make_firm(name="焦化厂")
    bad = post(officer, f"/firms/{firm.id}/gates", {"name": "东门", "latitude": "north"})
    assert bad.status_code == 422 and "添加门禁" in bad.get_data(as_text=True)
    answer = post(officer, f"/firms/{firm.id}/gates", {"name": "东门", "latitude": "38.41", "longitude": "112.73"})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="gate-secret">([^<]+)<', answer.get_data(as_text=True)).group(1)
    gate = db.session.scalar(select(Gate).where(Gate.firm_id == firm.id))
    assert authenticate_gate(gate.code, secret) is gate and gate.latitude == 38.41
    assert secret not in officer.get(f"/gates/{gate.code}").get_data(as_text=True)  # shown once only
    saved = post(officer, f"/gates/{gate.code}", {"name": "东门", "device_sn": "SN-001", "active": "1",
                                                  "latitude": "38.41", "longitude": "112.73"})  # fmt: skip
    assert saved.status_code == 302 and db.session.get(Gate, gate.id).device_sn == "SN-001"
    rotated = post(officer, f"/gates/{gate.code}/secret", {})
    fresh = re.search(r'id="gate-secret">([^<]+)<', rotated.get_data(as_text=True)).group(1)
    assert authenticate_gate(gate.code, secret) is None and authenticate_gate(gate.code, fresh) is gate
    page = officer.get(f"/gates/{gate.code}").get_data(as_text=True)
    assert "更换门禁密钥" in page and "SN-001" in page and "近 7 日数据上传" in page
    assert gate.code in officer.get("/gates").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "gate")).all()
    assert {"create", "update", "rotate_secret"} <= set(actions)


def test_trucks_are_found_by_plate_vin_or_fleet_registered_and_changed(browser_for, make_firm, make_vehicle):
    officer, _ = browser_for(Role.BUREAU)
    firm = make_firm(name="华电忻州热电", credit_code="91140900MA0GRKXX6U")
    make_vehicle(plate="晋H10001", vin="LFWSRXSJ5M1A00001", owner="忻州顺达运输")
    bad_vin = post(officer, "/vehicles/new", {"plate": "晋H20002", "plate_color": "yellow", "vin": "LFWSRXSJ4M1A00001",
                                               "fuel_type": "diesel", "vehicle_class": "heavy_truck"})  # fmt: skip
    assert bad_vin.status_code == 422 and "第 9 位" in bad_vin.get_data(as_text=True)
    created = post(officer, "/vehicles/new", {"plate": "晋h20002", "plate_color": "yellow", "fuel_type": "diesel",
                                               "vehicle_class": "heavy_truck", "emission_stage": "5",
                                               "firm": "91140900MA0GRKXX6U"})  # fmt: skip
    assert created.status_code == 302
    assert "车辆 晋H20002 已登记" in officer.get(created.location).get_data(as_text=True)
    truck = db.session.scalar(select(Vehicle).where(Vehicle.plate == "晋H20002"))
    assert truck.firm_id == firm.id
    for typed in ("晋H1", "LFWSRXSJ5", "顺达"):
        found = officer.get("/vehicles", query_string={"q": typed}).get_data(as_text=True)
        assert "晋H10001" in found and "晋H20002" not in found, typed
    edited = {"plate": "晋H20002", "plate_color": "yellow", "fuel_type": "diesel", "vehicle_class": "heavy_truck",
              "emission_stage": "6", "firm": ""}  # fmt: skip
    assert post(officer, f"/vehicles/{truck.id}/edit", edited).status_code == 302
    db.session.refresh(truck)
    assert (truck.emission_stage.value, truck.firm_id) == ("6", None)
    page = officer.get(f"/vehicles/{truck.id}").get_data(as_text=True)
    assert "国五 → <strong>国六</strong>" in page and "近 90 天无记录" in page  # its timeline: nothing yet
    assert "晋H20002" not in officer.get(f"/firms/{firm.id}").get_data(as_text=True)  # no longer the firm's


def _csv(text: str) -> dict:
    return {"file": (io.BytesIO(text.encode("gb18030")), "trucks.csv")}


def test_a_csv_of_trucks_is_imported_all_or_nothing_with_each_bad_line_named(browser_for):
    officer, _ = browser_for(Role.BUREAU)
    text = (
        "号牌号码,号牌颜色,车辆识别代号,燃料类型,排放阶段,车辆类型,车主或车队\n"
        "晋H30001,黄牌,,柴油,国5,重型货车,顺达\n"
        "晋H30002,紫牌,,柴油,国六,重型货车,顺达\n"
        "晋H30003,黄牌,LFWSRXSJ4M1A00001,柴油,国六,牵引车,顺达\n"
    )
    refused = post(officer, "/vehicles/import", _csv(text), content_type="multipart/form-data")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "未导入任何车辆" in page
    assert "第 3 行" in page and "第 4 行" in page and "第 2 行" not in page and "号牌颜色" in page
    assert db.session.scalar(select(Vehicle).where(Vehicle.plate == "晋H30001")) is None
    partial = post(officer, "/vehicles/import", _csv(text) | {"partial": "on"}, content_type="multipart/form-data")
    assert partial.status_code == 200 and "新增 1 辆" in partial.get_data(as_text=True)
    stored = db.session.scalar(select(Vehicle).where(Vehicle.plate == "晋H30001"))
    assert (stored.plate_color.value, stored.emission_stage.value, stored.owner) == ("yellow", "5", "顺达")
    header = post(officer, "/vehicles/import", _csv("车牌,颜色\n晋H1,黄\n"), content_type="multipart/form-data")
    assert header.status_code == 422 and "表头有误" in header.get_data(as_text=True)
    template = officer.get("/vehicles/import/template.csv")
    assert template.status_code == 200 and "号牌号码" in template.get_data(as_text=True)


def test_construction_units_are_recorded_and_corrected(browser_for):
    officer, _ = browser_for(Role.BUREAU)
    assert post(officer, "/construction-units", {"name": "", "contact_phone": "1"}).status_code == 422
    assert post(officer, "/construction-units", {"name": "忻州路桥", "contact_name": "王工"}).status_code == 302
    unit = db.session.scalar(select(ConstructionUnit).where(ConstructionUnit.name == "忻州路桥"))
    assert (
        post(officer, f"/construction-units/{unit.id}/edit", {"name": "忻州路桥集团", "contact_name": ""}).status_code
        == 302
    )
    db.session.refresh(unit)
    assert (unit.name, unit.contact_name) == ("忻州路桥集团", None)
    assert "忻州路桥集团" in officer.get("/construction-units").get_data(as_text=True)


def test_the_administrator_creates_users_changes_roles_resets_passwords_and_revokes_tokens(browser_for, make_firm):
    admin, _ = browser_for(Role.ADMIN)
    firm = make_firm(name="钢铁厂")
    no_firm = post(admin, "/users", {"username": "gangtie", "role": "firm", "firm": "不存在的企业"})
    assert no_firm.status_code == 422 and "找不到该企业" in no_firm.get_data(as_text=True)
    created = post(admin, "/users", {"username": "gangtie", "display_name": "李会计", "role": "firm", "firm": "钢铁厂"})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="temporary-password">([^<]+)<', created.get_data(as_text=True)).group(1)
    user = authenticate("gangtie", password)
    assert user is not None and (user.role, user.firm_id) == (Role.FIRM, firm.id)
    token = issue_token(None, user, "scale")
    db.session.commit()
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert post(admin, f"/users/{user.id}/tokens/{row.id}/revoke", {}).status_code == 302
    assert db.session.get(ApiToken, row.id).revoked_at is not None and token
    reset = post(admin, f"/users/{user.id}/password", {})
    fresh = re.search(r'id="temporary-password">([^<]+)<', reset.get_data(as_text=True)).group(1)
    assert authenticate("gangtie", password) is None and authenticate("gangtie", fresh) is not None
    changed = post(admin, f"/users/{user.id}", {"display_name": "李会计", "role": "police", "active": "1"})
    assert changed.status_code == 302
    db.session.refresh(user)
    assert (user.role, user.firm_id) == (Role.POLICE, None)
    me = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    assert post(admin, f"/users/{me.id}", {"role": "bureau", "active": "1"}).status_code == 422
    bureau, _ = browser_for(Role.BUREAU)
    assert bureau.get("/users").status_code == 403


def test_a_rule_gets_a_new_version_from_the_page_and_the_old_one_is_kept(browser_for):
    officer, _ = browser_for(Role.BUREAU)
    added = post(officer, "/policies/new", {"rule": "PHASE_OUT", "effective_from": "2021-01-01", "clause": "（三）",
                                            "params": '{"max_stage": "3", "fuel_types": ["diesel"]}'})  # fmt: skip
    assert added.status_code == 302
    policy = db.session.scalar(select(Policy).where(Policy.rule == "PHASE_OUT", Policy.superseded_at.is_(None)))
    bad = post(
        officer, f"/policies/{policy.id}", {"effective_from": "2021-01-01", "clause": "（三）", "params": "{oops"}
    )
    assert bad.status_code == 422 and "不是有效的 JSON" in bad.get_data(as_text=True)
    version = {"effective_from": "2021-01-01", "clause": "（三）"}
    wrong = post(
        officer, f"/policies/{policy.id}", version | {"params": '{"max_stage": "9", "fuel_types": ["diesel"]}'}
    )
    assert wrong.status_code == 422
    later = version | {"effective_from": "2023-01-01", "params": '{"max_stage": "4", "fuel_types": ["diesel"]}'}
    revised = post(officer, f"/policies/{policy.id}", later)
    assert revised.status_code == 302
    db.session.refresh(policy)
    latest = db.session.scalar(select(Policy).where(Policy.replaces_id == policy.id))
    assert policy.superseded_at is not None and latest.params["max_stage"] == "4" and latest.version == 2
    page = officer.get(f"/policies/{latest.id}").get_data(as_text=True)
    assert "第 2 版" in page and "第 1 版" in page
    assert "国三及以下柴油货车淘汰" in officer.get("/policies").get_data(as_text=True)
