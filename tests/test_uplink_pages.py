"""Reporting upward in the pages (issue 30): an administrator adds a higher platform, changes its address
(its token then waits for the new one) and stops it, without a shell; the bureau reads the status only."""

from sqlalchemy import select

from registry.accounts.models import Role
from registry.extensions import db
from registry.uplink.models import UplinkTarget
from tests.support.pages import post


def test_an_administrator_adds_changes_and_stops_a_target_in_the_pages(browser_for):
    admin, _ = browser_for(Role.ADMIN)
    inward = post(admin, "/uplink/targets", {"name": "内网", "url": "http://127.0.0.1:9/x", "token": "t" * 20})
    assert inward.status_code == 422 and "OUTBOUND_PRIVATE_HOSTS" in inward.get_data(as_text=True)
    missing = post(admin, "/uplink/targets", {"name": "市平台", "url": "https://8.8.8.8/reports"})
    assert missing.status_code == 422  # a token is required
    added = post(admin, "/uplink/targets", {"name": "市平台", "url": "https://8.8.8.8/reports", "token": "city-token"})
    assert added.status_code == 302
    target = db.session.scalar(select(UplinkTarget).where(UplinkTarget.name == "市平台"))
    assert target.token == "city-token" and target.enabled
    page = admin.get("/uplink").get_data(as_text=True)
    assert "已添加上报目标“市平台”" in page and "city-token" not in page  # the token is never shown
    moved = post(admin, f"/uplink/targets/{target.id}", {"url": "https://1.1.1.1/reports", "enabled": "1"})
    assert moved.status_code == 302
    db.session.refresh(target)
    assert (target.url, target.token) == ("https://1.1.1.1/reports", "")  # the old token never follows
    assert post(admin, f"/uplink/targets/{target.id}", {"token": "new-token", "enabled": "0"}).status_code == 302
    db.session.refresh(target)
    assert (target.token, target.enabled) == ("new-token", False)


def test_the_bureau_reads_the_status_but_does_not_change_targets(browser_for):
    bureau, _ = browser_for(Role.BUREAU)
    page = bureau.get("/uplink").get_data(as_text=True)
    assert "数据上报" in page and "添加上级平台" not in page
    assert post(bureau, "/uplink/targets", {"name": "x", "url": "https://8.8.8.8/r", "token": "t"}).status_code == 403
