"""The pages of 远程排放监控 (issue 32): the bureau's alarm list by kind and firm, terminals registered by
VIN by the bureau or the firm whose truck it is, a truck's day drawn (figures, charts, track); a firm
sees only its own trucks."""

from datetime import timedelta

from registry.accounts.models import Role
from registry.extensions import db
from registry.obd.store import Received, store
from tests.obd.test_protocol import AT
from tests.obd.test_store import NOW, VIN, data_frame
from tests.support.pages import post

OTHER_VIN = "LFV2A21K0E4123453"


def test_the_bureau_finds_a_low_urea_alarm_and_opens_the_trucks_day(browser_for, make_vehicle, make_firm):
    firm = make_firm(name="恒通物流")
    truck = make_vehicle(plate="晋H60006", vin=VIN, owner="恒通车队")
    truck.firm_id = firm.id
    db.session.commit()
    frames = [data_frame(AT + timedelta(minutes=n), 1 + 11 * n, urea=20) for n in range(30)]
    store([Received(f, "peer", NOW) for f in frames], NOW)
    officer, _ = browser_for(Role.BUREAU)
    page = officer.get("/obd").get_data(as_text=True)
    assert "尿素液位低" in page and "晋H60006" in page and "恒通物流" in page and "恒通车队" in page
    assert "urea_low" not in page.replace("kind=urea_low", "").replace('value="urea_low"', "")
    by_firm = officer.get(f"/obd?firm={firm.id}&kind=urea_low").get_data(as_text=True)
    assert "晋H60006" in by_firm
    day = officer.get(f"/obd/trucks/{truck.id}?day={AT.date()}").get_data(as_text=True)
    assert "SCR 转化效率" in day and "90%" in day  # 400 ppm before, 40 after
    assert day.count("<polyline") >= 5  # speed, NOx (two), SCR temperature, urea; the track
    assert "当日轨迹" in day and "尿素液位低" in day


def test_a_firm_registers_its_own_trucks_terminal_and_sees_only_its_own(browser_for, make_vehicle, make_firm):
    mine, theirs = make_firm(name="华电热电"), make_firm(name="别家")
    own = make_vehicle(plate="晋H60006", vin=VIN)
    other = make_vehicle(plate="晋H60008", vin=OTHER_VIN)
    own.firm_id, other.firm_id = mine.id, theirs.id
    db.session.commit()
    store([Received(data_frame(AT, 1, urea=5), "peer", NOW)], NOW)
    client, user = browser_for(Role.FIRM)
    user.firm_id = mine.id
    db.session.commit()
    refused = post(client, "/obd/terminals", {"vin": OTHER_VIN})
    assert refused.status_code == 422 and "未找到该车辆识别代号的本单位登记车辆" in refused.get_data(as_text=True)
    bad = post(client, "/obd/terminals", {"vin": "LZZ1ELSE8PW123456"})
    assert bad.status_code == 422 and "校验位" in bad.get_data(as_text=True)
    done = post(client, "/obd/terminals", {"vin": VIN}, follow_redirects=True)
    assert done.status_code == 200 and "已登记远程排放终端" in done.get_data(as_text=True)
    assert client.get(f"/obd/trucks/{other.id}").status_code == 404
    assert "晋H60006" in client.get("/obd").get_data(as_text=True)


def test_a_silent_terminal_is_listed_and_marked(browser_for, make_vehicle):
    truck = make_vehicle(plate="晋H60006", vin=VIN)
    long_ago = AT - timedelta(days=10)
    store([Received(data_frame(long_ago, 1), "peer", long_ago)], long_ago)
    officer, _ = browser_for(Role.BUREAU)
    listed = officer.get("/obd").get_data(as_text=True)
    silent = listed[listed.index('id="silent"') :]
    assert "晋H60006" in silent and "超过 3 天" in silent
    assert "已超过 3 天无数据" in officer.get(f"/obd/trucks/{truck.id}").get_data(as_text=True)


def test_the_bureau_closes_a_removal_alarm_saying_what_it_checked(browser_for, make_vehicle):
    from sqlalchemy import select

    from registry.obd.models import ObdAlarm
    from registry.obd.protocol.frames import Command, Frame, Reader
    from registry.obd.protocol.units import write_unit

    make_vehicle(plate="晋H60006", vin=VIN)
    tamper = write_unit(Command.TAMPER, time=AT, serial=3, positioning=0, longitude=112_700_000, latitude=38_400_000)
    store([Received(Reader().feed(Frame(Command.TAMPER, VIN, tamper).encode())[0], "peer", NOW)], NOW)
    alarm = db.session.scalar(select(ObdAlarm).where(ObdAlarm.kind == "tamper"))
    officer, _ = browser_for(Role.BUREAU)
    assert "终端拆除报警" in officer.get("/obd").get_data(as_text=True)
    refused = post(officer, f"/obd/alarms/{alarm.id}/close", {"note": " "}, follow_redirects=True)
    assert "请写明核查情况" in refused.get_data(as_text=True)
    done = post(officer, f"/obd/alarms/{alarm.id}/close", {"note": "现场核查：终端已重新安装"}, follow_redirects=True)
    assert "报警已消除" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ObdAlarm, alarm.id).closed_at is not None
    police, _ = browser_for(Role.POLICE)
    assert post(police, f"/obd/alarms/{alarm.id}/close", {"note": "x"}).status_code == 403
