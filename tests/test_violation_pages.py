"""Pages for police and the bureau: violation search and detail with review, dashboard, alerts."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from registry.accounts.models import Role
from registry.cases.models import Case
from registry.dashboard.liveness import in_working_hours, is_silent, parse_hours
from registry.extensions import db
from tests.support.pages import PASSWORD, PageClient, csrf_token, post
from tests.support.workbooks import csv_table


@pytest.fixture
def police(browser_for):
    return browser_for(Role.POLICE)[0]


def test_police_search_page_filters_and_links_each_violation(police, district):
    page = police.get("/violations?plate=晋h5OOO1").get_data(as_text=True)
    assert "晋H50001" in page and "晋H77777" not in page
    assert "/violations/export.csv?plate=" in page
    assert "共" in page
    everything = police.get("/violations").get_data(as_text=True)
    assert "晋H77777" in everything and everything.count("/violations/") > 3
    bad = police.get("/violations?from=yesterday").get_data(as_text=True)
    assert "日期格式应为 YYYY-MM-DD" in bad


def test_a_police_officer_opens_a_violation_sees_the_picture_and_confirms_it(police, client, bureau, district):
    from tests.test_violations_api import search

    violation = next(v for v in search(client, bureau, plate="晋H50001")["items"] if v["images"])
    page = police.get(f"/violations/{violation['id']}").get_data(as_text=True)
    assert violation["message_zh"] in page and "华电热电" in page and "确认违规" in page
    image_url = f"/violations/{violation['id']}/images/{violation['images'][0]['id']}"
    assert image_url in page
    with police.get(image_url) as picture:
        assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    done = post(police, f"/violations/{violation['id']}/review", {"status": "confirmed", "note": "核实无误"})
    assert done.status_code == 302
    page = police.get(f"/violations/{violation['id']}").get_data(as_text=True)
    assert "已确认" in page and "核实无误" in page and 'value="confirmed"' not in page
    again = post(police, f"/violations/{violation['id']}/review", {"status": "dismissed"})
    assert again.status_code == 409 and "已处理" in again.get_data(as_text=True)


def test_the_export_link_gives_the_same_rows_as_the_page(police, district):
    export = police.get("/violations/export.csv?plate_prefix=晋H&sort=captured_at")
    rows = csv_table(export.data)
    page = police.get("/violations?plate_prefix=晋H&sort=captured_at").get_data(as_text=True)
    assert len(rows) > 1 and all(row[4] in page for row in rows[1:])


def test_a_firm_user_sees_only_its_own_violations_on_the_page(app, district, make_user):
    from registry.accounts.services import set_password
    from registry.extensions import db

    user, _ = make_user(Role.FIRM, firm_id=district["coking"].id)
    set_password(None, user, PASSWORD)
    db.session.commit()
    client = PageClient(app, app.response_class, use_cookies=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    page = client.get("/violations").get_data(as_text=True)
    assert "华电热电" not in page and "焦化集团" in page
    assert client.get("/dashboard").status_code == 403


def test_the_dashboard_shows_violations_alerts_gates_and_dead_letters(police, client, district):
    east, headers = district["gates"][0], district["gate_headers"][0]
    today = datetime.now(UTC).isoformat()
    body = {"event_id": "now-1", "plate": "晋H40001", "plate_color": "yellow", "direction": "in", "captured_at": today}
    assert client.post(f"/api/v1/gates/{east.code}/events", json=body, headers=headers).get_json()["decision"] == "deny"
    page = police.get("/dashboard").get_data(as_text=True)
    assert "30 天合计: 1" in page or "30 天合计: 2" in page
    assert "近 30 天每日违规数" in page and 'id="per-day-chart"' in page
    assert "华电热电" in page and "焦化集团" in page  # top firms and gate liveness
    assert ">电力焦化清洁运输</a>" in page or ">大宗运输排放阶段</a>" in page  # top rules, as words
    open_cases = db.session.scalar(select(func.count()).select_from(Case).where(Case.status == "open"))
    assert f"共 {open_cases} 件 · 开始复核" in page and open_cases > 0
    assert "门禁在线情况" in page and "无法入库的消息" in page
    assert "当前无重污染天气预警" in page  # the fixture's alert was in 2022


def test_the_bureau_issues_and_ends_an_alert_and_approves_an_exemption(browser_for):
    officer, _ = browser_for(Role.BUREAU)
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    form = {
        "level": "orange",
        "region": "",
        "starts_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "document_no": "忻政办〔2026〕1号",
    }
    wrong = post(officer, "/alerts", form | {"ends_at": form["starts_at"]})
    assert wrong.status_code == 422 and "结束时间须晚于开始时间" in wrong.get_data(as_text=True)
    assert post(officer, "/alerts", form).status_code == 302
    page = officer.get("/alerts").get_data(as_text=True)
    assert "生效中" in page and "橙色" in page
    dashboard = officer.get("/dashboard").get_data(as_text=True)
    assert "橙色预警" in dashboard and "忻政办〔2026〕1号" in dashboard
    from registry.alerts.models import Alert
    from registry.extensions import db

    alert_id = db.session.query(Alert.id).order_by(Alert.id.desc()).first()[0]
    approved = post(officer, f"/alerts/{alert_id}/exemptions", {"plate": "晋h5OOO1", "reason": "民生保障运输"})
    assert approved.status_code == 302
    assert "晋H50001" in officer.get(f"/alerts/{alert_id}/exemptions").get_data(as_text=True)
    assert post(officer, f"/alerts/{alert_id}/end", {}).status_code == 302
    assert "已提前解除" in officer.get("/alerts").get_data(as_text=True)


def test_police_may_read_alerts_but_not_issue_them(police):
    assert police.get("/alerts").status_code == 200
    assert post(police, "/alerts", {"level": "red"}).status_code == 403


TZ = ZoneInfo("Asia/Shanghai")
HOURS = parse_hours("07:00-19:00")


@pytest.mark.parametrize(
    ("now_local", "last_minutes_ago", "silent"),
    [
        ("2026-11-27 10:00", 121, True),  # working hours, silent for longer than two hours
        ("2026-11-27 10:00", 119, False),
        ("2026-11-27 10:00", None, True),  # never reported
        ("2026-11-27 22:00", 600, False),  # at night silence is normal
        ("2026-11-27 06:59", 600, False),
        ("2026-11-27 07:00", 600, True),
    ],
)
def test_gate_liveness_is_flagged_only_during_working_hours(now_local, last_minutes_ago, silent):
    now = datetime.fromisoformat(now_local).replace(tzinfo=TZ).astimezone(UTC)
    last = None if last_minutes_ago is None else now - timedelta(minutes=last_minutes_ago)
    assert is_silent(last, now, timedelta(minutes=120), HOURS, TZ) is silent


def test_working_hours_may_cross_midnight():
    night = (time(22, 0), time(6, 0))
    assert in_working_hours(datetime(2026, 11, 27, 23, 0, tzinfo=TZ), night, TZ)
    assert not in_working_hours(datetime(2026, 11, 27, 12, 0, tzinfo=TZ), night, TZ)


def test_the_dashboard_says_in_words_that_reporting_upward_fails(browser_for):
    """Issue 30: a target failing for hours showed only on /uplink, as a raw English exception."""
    from registry.common.time import utcnow
    from registry.uplink.models import UplinkTarget

    detail = "ReadTimeoutError(HTTPSConnectionPool(host='city.example.cn'))"
    target = UplinkTarget(name="市平台", url="https://city.example.cn/r", token="t", failures=7)
    target.last_error, target.last_error_at, target.last_error_detail = "连接超时 / timed out", utcnow(), detail
    db.session.add(target)
    db.session.commit()
    bureau, _ = browser_for(Role.BUREAU)
    page = bureau.get("/dashboard").get_data(as_text=True)
    assert "数据上报失败" in page and "市平台" in page and "连续失败 7 次" in page and "连接超时" in page
    assert "timed out" not in page and "ReadTimeoutError" not in page
    admin, _ = browser_for(Role.ADMIN)
    page = admin.get("/dashboard").get_data(as_text=True)
    assert "<summary>技术信息</summary>" in page and "ReadTimeoutError" in page  # behind a fold, for admins
