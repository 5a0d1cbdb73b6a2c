"""On PostgreSQL the violations CSV is written by the database (COPY, registry.common.copying); on SQLite
it is formatted in Python. The two are held to the same cells: every search, both languages, reviewed
findings with notes that hold commas, quotes, line breaks and formulas, a pass without a plate, findings
about an alert."""

import pytest

import registry.violations.exports as violation_exports
from registry.accounts.models import Role
from registry.common.copying import in_database
from tests.support.workbooks import csv_table

SEARCHES = [
    {},
    {"sort": "captured_at"},
    {"sort": "plate"},
    {"plate_prefix": "晋H", "status": "confirmed"},
    {"alert_level": "orange"},
    {"rule": "UNREGISTERED_VEHICLE", "from": "2022-03-01", "to": "2022-03-03"},
    {"lang": "en"},
    {"lang": "en", "sort": "-plate", "status": "dismissed"},
]


@pytest.fixture
def reviewed(client, district, auth, bureau):
    """The district with findings confirmed and dismissed, each with a note a CSV must quote or defuse,
    and a pass without a plate."""
    police = auth("police")
    found = client.get("/api/v1/violations", query_string={"per_page": 100}, headers=bureau).get_json()["items"]
    notes = ['=HYPERLINK("http://x","点")', '车队说"已整改", 另见\n第二行', "-2+3", "@SUM(A1)", "普通备注"]
    for number, violation in enumerate(found[: len(notes)]):
        status = "dismissed" if number % 2 else "confirmed"
        answer = client.patch(
            f"/api/v1/violations/{violation['id']}", json={"status": status, "note": notes[number]}, headers=police
        )
        assert answer.status_code == 200, answer.get_json()
    gate, headers = district["gates"][0], district["gate_headers"][0]
    body = {"event_id": "np1", "plate": "", "plate_color": "yellow", "direction": "in", "confidence": 0.9}
    answer = client.post(
        f"/api/v1/gates/{gate.code}/events", json=body | {"captured_at": "2022-03-02T08:00:00+08:00"}, headers=headers
    )
    assert answer.status_code == 201, answer.get_json()
    return found


def test_the_database_writes_the_same_cells_as_python(app, client, bureau, reviewed, monkeypatch):
    with app.test_request_context():
        if not in_database():
            pytest.skip("COPY is PostgreSQL's; SQLite's exports are formatted in Python")
    for search in SEARCHES:
        answer = client.get("/api/v1/violations.csv", query_string=search, headers=bureau)
        assert answer.status_code == 200, search
        copied = csv_table(answer.data)  # read to its end before the next request
        with monkeypatch.context() as python:
            python.setattr(violation_exports, "in_database", lambda: False)
            formatted = csv_table(client.get("/api/v1/violations.csv", query_string=search, headers=bureau).data)
        assert copied == formatted, search
        assert len(copied) > 1, search
    table = csv_table(client.get("/api/v1/violations.csv?lang=zh", headers=bureau).data)
    notes = {row[-1] for row in table[1:]}
    assert '\'=HYPERLINK("http://x","点")' in notes and '车队说"已整改", 另见\n第二行' in notes
    assert "'-2+3" in notes and "'@SUM(A1)" in notes
    assert "无牌车" in {row[4] for row in table[1:]}


def test_a_firm_user_gets_only_its_own_rows_from_the_database(client, district, reviewed):
    table = csv_table(client.get("/api/v1/violations.csv", headers=district["firm_headers"]).data)
    assert len(table) > 1 and {row[9] for row in table[1:]} == {"华电热电"}


def test_the_police_export_is_whole_and_counted(client, auth, reviewed):
    answer = client.get("/api/v1/violations.csv", headers=auth(Role.POLICE.value))
    assert answer.status_code == 200 and answer.data.startswith("\ufeff编号".encode())
    assert len(csv_table(answer.data)) > 1


def test_the_ledger_written_by_the_database_has_the_same_cells(client, district, bureau, monkeypatch):
    """Table 3 with a ticket's tonnes at a half (12.35 t: the chain keeps "12.3", as Python rounds the
    float), a cargo that looks like a formula, and both languages."""
    import registry.ledger.exports as ledger_exports

    power = district["power"]
    tickets = [
        {"ticket_no": "T1", "plate": "晋H50001", "weighed_at": "2022-03-01T10:05:00+08:00", "net_t": "12.35",
         "cargo": "=cmd|' /C calc'!A0"},
        {"ticket_no": "T2", "plate": "晋H40001", "weighed_at": "2022-03-01T23:35:00+08:00", "net_t": "30.25",
         "cargo": "煤"},
    ]  # fmt: skip
    answer = client.post(f"/api/v1/firms/{power.id}/weigh-tickets", json={"tickets": tickets},
                         headers=district["firm_headers"])  # fmt: skip
    assert answer.status_code == 200, answer.get_json()
    with client.application.test_request_context():
        if not in_database():
            pytest.skip("COPY is PostgreSQL's; SQLite's exports are formatted in Python")
    url = f"/api/v1/firms/{power.id}/ledger.csv"
    for language in ("zh", "en"):
        search = {"from": "2022-03-01", "to": "2022-03-04", "lang": language}
        copied = csv_table(client.get(url, query_string=search, headers=bureau).data)
        with monkeypatch.context() as python:
            python.setattr(ledger_exports, "in_database", lambda: False)
            formatted = csv_table(client.get(url, query_string=search, headers=bureau).data)
        assert copied == formatted, language
        assert len(copied) > 3
    rows = csv_table(client.get(url, query_string={"from": "2022-03-01", "to": "2022-03-04", "lang": "zh"},
                                headers=bureau).data)  # fmt: skip
    assert {"12.3", "30.2"} <= {row[11] for row in rows[1:]} and "'=cmd|' /C calc'!A0" in {row[10] for row in rows}
