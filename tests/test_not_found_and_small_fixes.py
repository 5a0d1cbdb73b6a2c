"""Small things found from the outside (issue 13): 404s that tell nothing, a code typed with spaces,
and the end-alert button that could not be seen."""

import re
from urllib.parse import quote

import pytest

from registry.accounts.models import Role
from registry.extensions import db
from registry.gates.services import create_gate


def test_another_firms_gate_and_a_missing_gate_answer_the_same_404(client, make_user, make_firm, bureau):
    other, _ = create_gate(None, make_firm(name="别家企业"), "东门")
    db.session.commit()
    _, token = make_user(Role.FIRM)
    mine = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    theirs = client.get(f"/api/v1/gates/{other.code}", headers=mine)
    missing = client.get("/api/v1/gates/NOPE-99", headers=mine)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.get_json() == missing.get_json()
    assert theirs.get_json()["message"] == "gate not found"
    assert client.get(f"/api/v1/gates/{other.code}", headers=bureau).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/machinery/6",
        "/api/v1/firms/77",
        "/api/v1/violations/88",
        "/api/v1/events/99",
        "/api/v1/firms/5/ledger.csv?from=2022-01-01&to=2022-01-02",
    ],
)
def test_a_404_names_no_id(client, bureau, path):
    answer = client.get(path, headers=bureau | {"Accept-Language": "en"})
    assert answer.status_code == 404
    message = answer.get_json()["message"]
    assert message.endswith("not found") and not any(ch.isdigit() for ch in message)


@pytest.mark.parametrize("typed", ["{code}", "{head} {tail}", "{head}-{tail}", " {head} - {tail} ", "{wide}"])
def test_a_registration_code_is_found_however_it_is_typed(app, approved, typed):
    machine, _ = approved()
    code = machine["registration_code"]
    head, tail = code[:8], code[8:]
    wide = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in code)  # full-width digits
    text = typed.format(code=code, head=head, tail=tail, wide=wide)
    client = app.test_client()
    api = client.get(f"/api/v1/machinery/verify/{quote(text)}").get_json()
    assert api["valid"] is True and api["registration_code"] == code
    page = client.get(f"/verify/{quote(text)}")
    assert page.status_code == 200 and "登记有效" in page.get_data(as_text=True)


def test_the_end_alert_button_has_a_colour_of_its_own(client, browser_for, bureau):
    with client.get("/static/site.css") as answer:
        css = answer.get_data(as_text=True)
    rule = next(line for line in css.splitlines() if line.startswith("button.danger {"))
    assert "background: #b42318" in rule  # a red button: white text on red, never white on a white table
    alert = {"level": "orange", "starts_at": "2026-01-01T00:00:00+08:00", "ends_at": "2099-01-01T00:00:00+08:00"}
    assert client.post("/api/v1/alerts", json=alert, headers=bureau).status_code == 201
    page, _ = browser_for(Role.BUREAU)
    shown = page.get("/alerts").get_data(as_text=True)
    assert re.search(r'class="small danger" type="submit" id="end-alert-\d+">解除预警</button>', shown)
    assert "data-confirm=" in shown  # asked for confirmation before it is sent
