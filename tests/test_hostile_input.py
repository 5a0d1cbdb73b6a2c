"""Hostile and careless input over HTTP: a clear 4xx naming the field, never a 5xx, nothing stored.

Each case here is one found from the outside on PostgreSQL (issue 13); the suite runs them on both engines.
"""

import json

import marshmallow as ma
import pytest
from sqlalchemy import func, select

from registry.common.schemas import Text
from registry.common.text import text_problem
from registry.events.models import PlateEvent
from registry.extensions import db
from registry.firms.models import Firm
from registry.gates.services import create_gate
from tests.support.pages import PageClient, csrf_token


@pytest.fixture
def gate(make_firm):
    gate, secret = create_gate(None, make_firm(name="华电热电", industry="power"), "东门")
    db.session.commit()
    return gate.code, {"Authorization": f"Bearer {secret}"}


def event(**overrides) -> dict:
    return {
        "event_id": "e-1",
        "plate": "晋H20001",
        "plate_color": "yellow",
        "direction": "in",
        "captured_at": "2022-03-01T10:00:00+08:00",
    } | overrides


def passes() -> int:
    return db.session.scalar(select(func.count(PlateEvent.id)))


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("华电\x00热电", "U+0000"),
        ("华电\x1b[31m热电", "U+001B"),
        ("华电\x85热电", "U+0085"),
        ("华电\u202e电热", "U+202E"),
        ("华电\ud800热电", "U+D800"),
        ("华电\n热电", "换行"),
    ],
)
def test_control_characters_in_a_firm_name_are_a_field_error(client, bureau, value, words):
    body = json.dumps({"name": value, "industry": "steel"})  # escaped as a client sends it: "\ud800" too
    answer = client.post("/api/v1/firms", data=body, headers=bureau | {"Content-Type": "application/json"})
    assert answer.status_code == 422
    [message] = answer.get_json()["errors"]["json"]["name"]
    assert words in message
    assert db.session.scalar(select(func.count(Firm.id))) == 0


def test_a_note_may_have_line_breaks_but_no_nul(client, bureau, make_firm):
    firm = make_firm()
    assert client.post(f"/api/v1/firms/{firm.id}/gates", json={"name": "东\x00门"}, headers=bureau).status_code == 422
    policy = client.get("/api/v1/policies?rule=PHASE_OUT", headers=bureau).get_json()["items"][0]
    fine = client.patch(f"/api/v1/policies/{policy['id']}", json={"note": "第一行\n第二行"}, headers=bureau)
    assert fine.status_code == 200, fine.get_json()
    bad = client.patch(f"/api/v1/policies/{policy['id']}", json={"note": "第一行\x00"}, headers=bureau)
    assert bad.status_code == 422 and "note" in bad.get_json()["errors"]["json"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/firms?q=%00",
        "/api/v1/vehicles?owner=%00",
        "/api/v1/events?plate=%E6%99%8B%00H",
        "/api/v1/violations?gate=%00",
        "/api/v1/gates/G%00001",
        "/api/v1/machinery?q=%E2%80%AE",
    ],
)
def test_a_nul_in_a_query_or_a_path_is_a_4xx(client, bureau, path):
    answer = client.get(path, headers=bureau)
    assert answer.status_code in (404, 422), (path, answer.status_code)


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01",
        "to=9999-12-31",
        "from=0001-01-01&to=9999-12-31",
        "firm_id=99999999999999999999",
        "firm_id=0",
        "firm_id=-1",
        "page=99999999999999999999",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/violations", "/api/v1/violations.csv"])
def test_out_of_range_filters_are_a_422(client, bureau, path, query):
    if path.endswith(".csv") and query.startswith("page"):
        query = "firm_id=2147483648"  # an export has no pages
    with client.get(f"{path}?{query}", headers=bureau) as answer:
        assert answer.status_code == 422, (path, query, answer.status_code)
        assert answer.get_json()["errors"]["query"]


def test_out_of_range_ids_in_a_body_are_a_422(client, bureau):
    answer = client.post("/api/v1/checks", json={"plate": "晋H12345", "firm_id": 2**40}, headers=bureau)
    assert answer.status_code == 422 and "firm_id" in answer.get_json()["errors"]["json"]


def test_a_json_body_nested_100000_levels_deep_is_a_400(client, bureau, gate):
    body = "[" * 100_000 + "]" * 100_000
    headers = bureau | {"Content-Type": "application/json"}
    assert client.post("/api/v1/firms", data=body, headers=headers).status_code == 400
    code, gate_headers = gate
    gate_headers = gate_headers | {"Content-Type": "application/json"}
    answer = client.post(f"/api/v1/gates/{code}/events", data=body, headers=gate_headers)
    assert answer.status_code == 400
    deep_event = json.dumps(event(lane=json.loads("[" * 40 + "]" * 40)))
    assert client.post(f"/api/v1/gates/{code}/events", data=deep_event, headers=gate_headers).status_code == 400
    assert passes() == 0


def test_a_plate_with_a_right_to_left_override_is_refused(client, gate):
    code, headers = gate
    answer = client.post(f"/api/v1/gates/{code}/events", json=event(plate="晋H\u202e10002"), headers=headers)
    assert answer.status_code == 422
    assert "U+202E" in answer.get_json()["errors"]["json"]["plate"][0]
    assert passes() == 0


def test_a_plate_with_a_zero_width_space_finds_the_registered_truck(client, gate, make_vehicle):
    truck = make_vehicle(plate="晋H20001", emission_stage="6")
    code, headers = gate
    answer = client.post(f"/api/v1/gates/{code}/events", json=event(plate="晋H\u200b2000\ufeff1"), headers=headers)
    assert answer.status_code == 201, answer.get_json()
    stored = db.session.scalar(select(PlateEvent))
    assert (stored.plate, stored.plate_raw, stored.vehicle_id) == ("晋H20001", "晋H20001", truck.id)


def test_a_nul_in_a_page_login_is_a_failed_login(app):
    client = PageClient(app, app.response_class, use_cookies=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"username": "demo\x00", "password": "x" * 12, "csrf_token": token})
    assert answer.status_code == 401


def _input_schemas():
    import registry.models  # noqa: F401  (every feature's schemas, through the app's imports)
    from registry import create_app  # noqa: F401
    from registry.common.schemas import StrictSchema

    seen, stack = set(), list(ma.Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
    return [
        cls
        for cls in seen
        if cls.__module__.startswith("registry.")
        and (
            issubclass(cls, StrictSchema)
            or cls.__name__.endswith(("ArgsSchema", "Args"))
            or cls.__name__ == "GateEventSchema"
        )
    ]


def _string_fields(field):
    inner = [getattr(field, "inner", None), getattr(field, "key_field", None), getattr(field, "value_field", None)]
    inner += list(getattr(field, "tuple_fields", ()))
    for child in filter(None, inner):
        yield from _string_fields(child)
    if isinstance(field, ma.fields.String):
        yield field


def test_every_text_input_field_is_checked_text(app):
    """One field type for every text input: a plain String in an input schema would let NUL through."""
    schemas = _input_schemas()
    assert len(schemas) > 30
    plain = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in schemas
        for name, field in cls._declared_fields.items()
        for string in _string_fields(field)
        if not isinstance(string, Text) and not field.dump_only
    ]
    assert plain == []


@pytest.mark.parametrize(
    ("value", "multiline", "problem"),
    [
        ("晋H12345", False, None),
        ("第一行\n第二行", True, None),
        ("第一行\n第二行", False, "换行"),
        ("tab\there", True, None),
        ("\x00", True, "U+0000"),
        ("a\u2066b", False, "U+2066"),
        ("\x9b", False, "U+009B"),
        ("\udfff", True, "U+DFFF"),
        ("零宽\u200b空格", False, None),  # a format character: plates drop it, other text may keep it
    ],
)
def test_text_problem(value, multiline, problem):
    found = text_problem(value, multiline)
    assert (found is None) if problem is None else (problem in found[0])
