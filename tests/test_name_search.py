"""Searching violations and cases by the names people type (issue 30): a gate's or a firm's name, or part
of it, finds that gate or firm and says so; a name that holds several offers them to choose from; one that
holds none says so. Never a silent 共 0 条 while the code would have worked."""

import re

import pytest

from registry.accounts.models import Role
from registry.extensions import db
from registry.gates.services import create_gate


@pytest.fixture
def district(client, make_firm):
    """Two firms, both with a 东门; one pass of an unregistered truck at each of three gates."""
    power, coking = make_firm(name="忻州华电热电有限公司"), make_firm(name="山西忻州焦化集团")
    gates = [create_gate(None, power, "东门"), create_gate(None, power, "北门"), create_gate(None, coking, "东门")]
    db.session.commit()
    for n, (gate, secret) in enumerate(gates):
        body = {"event_id": f"n-{n}", "plate": f"晋H8800{n}", "plate_color": "yellow", "direction": "in",
                "captured_at": f"2026-11-20T1{n}:00:00+08:00", "confidence": 0.9}  # fmt: skip
        answer = client.post(
            f"/api/v1/gates/{gate.code}/events", json=body, headers={"Authorization": f"Bearer {secret}"}
        )
        assert answer.status_code == 201
    return gates


def plates(page: str) -> set[str]:
    return set(re.findall(r"晋H8800\d", page))


@pytest.mark.parametrize("path", ["/violations", "/cases"])
def test_a_name_finds_its_gate_or_firm_or_says_why_not(browser_for, district, path):
    police, _ = browser_for(Role.POLICE)
    north = police.get(f"{path}?gate=北门").get_data(as_text=True)
    assert "“北门”即门禁：北门 · 忻州华电热电有限公司" in north and plates(north) == {"晋H88001"}
    east = police.get(f"{path}?gate=东门").get_data(as_text=True)
    assert "“东门”对应 2 个门禁" in east and plates(east) == {"晋H88000", "晋H88001", "晋H88002"}
    for gate, _ in (district[0], district[2]):
        assert f"gate={gate.code}" in east  # each match offered, as a link that searches it
    chosen = police.get(f"{path}?gate={district[2][0].code}").get_data(as_text=True)
    assert plates(chosen) == {"晋H88002"} and "对应" not in chosen
    firm = police.get(f"{path}?firm=华电").get_data(as_text=True)
    assert "“华电”即企业：忻州华电热电有限公司" in firm and plates(firm) == {"晋H88000", "晋H88001"}
    none = police.get(f"{path}?firm=宝钢").get_data(as_text=True)
    assert "没有名称或编码含“宝钢”的企业，该条件未生效" in none


def test_the_export_searches_the_same(browser_for, district):
    police, _ = browser_for(Role.POLICE)
    with police.get("/violations/export.csv?gate=北门") as answer:
        assert plates(answer.get_data(as_text=True)) == {"晋H88001"}
