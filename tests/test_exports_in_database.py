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
