"""The plan's own measure (issue 30): the share of a firm's truck passes (and tonnes) by China VI and
new-energy trucks per month, with the firms a policy holds to China VI and under 100 % first; cars do not
count."""

import pytest

from registry.accounts.models import Role
from registry.dashboard.clean_share import clean_shares
from registry.extensions import db
from registry.gates.services import create_gate


@pytest.fixture
def plants(client, make_firm, make_vehicle, make_user):
    power = make_firm(name="华电热电", industry="power", in_planning_area=True)
    cement = make_firm(name="恒盛水泥", industry="cement")
    gates = {firm.name: create_gate(None, firm, "东门") for firm in (power, cement)}
    db.session.commit()
    make_vehicle(plate="晋H60006", emission_stage="6")
    make_vehicle(plate="晋H50005", emission_stage="5")
    make_vehicle(plate="晋H0000D", plate_color="green", emission_stage="D", fuel_type="electric", vin=None)
    make_vehicle(plate="晋H00C01", plate_color="blue", vehicle_class="other", emission_stage="4", fuel_type="gasoline")
    passes = {"华电热电": [("晋H60006", "yellow"), ("晋H50005", "yellow"), ("晋H0000D", "green"), ("晋H00C01", "blue")],
              "恒盛水泥": [("晋H50005", "yellow")]}  # fmt: skip
    for firm, reads in passes.items():
        gate, secret = gates[firm]
        for n, (plate, colour) in enumerate(reads):
            body = {"event_id": f"{firm}-{n}", "plate": plate, "plate_color": colour, "direction": "out",
                    "captured_at": f"2026-11-1{n}T10:00:00+08:00", "confidence": 0.9}  # fmt: skip
            answer = client.post(
                f"/api/v1/gates/{gate.code}/events", json=body, headers={"Authorization": f"Bearer {secret}"}
            )
            assert answer.status_code == 201, answer.get_json()
    _, token = make_user(Role.FIRM, firm_id=power.id)
    tickets = [
        {"ticket_no": "T1", "plate": "晋H60006", "weighed_at": "2026-11-10T10:05:00+08:00", "net_t": "30.0"},
        {"ticket_no": "T2", "plate": "晋H50005", "weighed_at": "2026-11-11T10:05:00+08:00", "net_t": "10.0"},
    ]
    tickets = [ticket | {"cargo": "煤"} for ticket in tickets]
    answer = client.post(
        f"/api/v1/firms/{power.id}/weigh-tickets",
        json={"tickets": tickets},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    return power, cement


def test_the_share_counts_trucks_by_passes_and_tonnes_and_puts_firms_under_the_line_first(plants, browser_for):
    from datetime import date

    shares = clean_shares(date(2026, 11, 1))
    first, second = shares[0], shares[1]
    assert first.firm == "华电热电" and first.required == "CLEAN_TRANSPORT" and first.under_line
    assert (first.clean_passes, first.passes) == (2, 3)  # China VI and new energy of three trucks: the car not
    assert (first.clean_tonnes, first.tonnes) == (30.0, 40.0)
    assert second.firm == "恒盛水泥" and second.required is None and not second.under_line
    assert clean_shares(date(2026, 10, 1))[0].passes == 0
    officer, _ = browser_for(Role.BUREAU)
    page = officer.get("/clean-transport?month=2026-11").get_data(as_text=True)
    table = page[page.index('id="clean-shares"') :]
    assert table.index("华电热电") < table.index("恒盛水泥") and "未达标" in table
    assert "66.7%" in table and "75.0%" in table  # by passes; by tonnes
    assert "清洁运输比例" in officer.get("/dashboard").get_data(as_text=True)


def test_six_months_side_by_side_show_each_firm_getting_there(plants, browser_for):
    officer, _ = browser_for(Role.BUREAU)
    page = officer.get("/clean-transport?month=2026-12").get_data(as_text=True)
    trend = page[page.index('id="clean-trend"') :]
    assert [m for m in ("2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12") if m in trend] == [
        "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"
    ]  # fmt: skip
    power = trend[trend.index("华电热电") :].split("</tr>", 1)[0]
    assert power.count("—") == 5 and '<span class="badge rejected">67%</span>' in power  # November only


def test_the_month_choices_are_calendar_months_none_skipped():
    from datetime import date

    from registry.dashboard.clean_share import months_back

    # stepping back 31 days from 1 December lands in October: November was missing from the choices
    assert months_back(date(2026, 12, 6), 3) == [date(2026, 12, 1), date(2026, 11, 1), date(2026, 10, 1)]
    assert months_back(date(2027, 1, 31), 2) == [date(2027, 1, 1), date(2026, 12, 1)]


def test_a_closed_month_is_kept_by_the_daily_job_and_read_from_there(plants, app, monkeypatch):
    from datetime import date

    from sqlalchemy import select, update

    import registry.dashboard.clean_share as clean_share
    from registry.statistics.models import MonthlyCleanTransport

    monkeypatch.setattr(clean_share, "today_local", lambda: date(2026, 12, 6))
    live = clean_shares(date(2026, 11, 1))
    result = app.test_cli_runner().invoke(args=["statistics", "clean-transport", "--months", "2"])
    assert result.exit_code == 0, result.output
    assert "2026-10, 2026-11" in result.output
    kept = db.session.execute(select(MonthlyCleanTransport).where(MonthlyCleanTransport.month == date(2026, 11, 1)))
    assert len(kept.all()) == 2  # both firms with gates, the one without trucks in scope too
    assert [(s.firm, s.passes, s.clean_passes, s.tonnes, s.clean_tonnes) for s in clean_shares(date(2026, 11, 1))] == [
        (s.firm, s.passes, s.clean_passes, s.tonnes, s.clean_tonnes) for s in live
    ]
    # what the page shows for the month is what was kept (a recount replaces it), not a new count
    db.session.execute(update(MonthlyCleanTransport).values(clean_passes=3).where(MonthlyCleanTransport.passes == 3))
    assert clean_shares(date(2026, 11, 1))[-1].clean_passes == 3
    app.test_cli_runner().invoke(args=["statistics", "clean-transport"])
    assert {s.clean_passes for s in clean_shares(date(2026, 11, 1))} == {2, 0}
    # the current month is never kept: it is counted from its passes
    assert not clean_share.count_closed_months([date(2026, 12, 1)])
