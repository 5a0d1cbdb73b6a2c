"""Properties that hold for any input (hypothesis): what reads text and messages at the edge refuses
with its own error, never with an exception nobody expects, and what it accepts can be stored."""

import contextlib
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.handlers import Rejected, prepare
from registry.common import jsonio
from registry.common.text import printable, text_problem, without_format_characters
from registry.identifiers.plates import is_valid_plate, normalise_plate

SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)  # surrogates included
PLATE_LIKE = st.text(st.sampled_from("晋京H0123456789ABDOI挂 ·-\u200b\ufeff\u3000０Ｈ"), max_size=12)


def storable(text: str) -> bool:
    """What PostgreSQL stores in a text column (no NUL) and UTF-8 can encode (no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


@SETTINGS
@given(ANY_TEXT, st.booleans())
def test_text_with_no_problem_is_storable_and_shows_as_it_is(text, multiline):
    if text_problem(text, multiline) is None:
        assert storable(text)
        assert all(ch not in text for ch in "\u202e\u202d\u2066\u2067")
        assert multiline or not any(ch in text for ch in "\n\r\t")


@SETTINGS
@given(ANY_TEXT)
def test_printable_is_always_storable(text):
    assert storable(printable(text)) and text_problem(printable(text), multiline=True) is None


@SETTINGS
@given(PLATE_LIKE)
def test_plate_normalisation_is_total_and_idempotent(text):
    plate = normalise_plate(text)
    assert normalise_plate(plate) == plate
    assert plate == normalise_plate(without_format_characters(text))
    if is_valid_plate(plate):
        assert plate.isupper() or not plate.isascii()


@SETTINGS
@given(st.binary(max_size=300))
def test_json_parsing_fails_only_as_bad_json(data):
    with contextlib.suppress(json.JSONDecodeError):
        jsonio.loads(data)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_json_in_every_encoding_json_allows_is_read(encoding):
    """Camera middleware writes a BOM, or UTF-16: the gateway reads what Python's json would."""
    document = {"plate": "晋H12345", "lane": "1"}
    assert jsonio.loads(json.dumps(document, ensure_ascii=False).encode(encoding)) == document


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=20,
)
EVENT_KEYS = [
    "event_id",
    "plate",
    "plate_color",
    "direction",
    "captured_at",
    "confidence",
    "lane",
    "images",
    "plate_box",
]


@pytest.mark.parametrize("topic", ["gates/G0001-01/events", "device/cam-1/message/up/ivs_result"])
@SETTINGS
@given(body=st.dictionaries(st.sampled_from(EVENT_KEYS) | ANY_TEXT, JSON_VALUES, max_size=8))
def test_any_gate_message_is_a_read_or_a_rejection(app, topic, body):
    """The gateway parses whatever arrives: a read it can store, or Rejected with a reason."""
    if topic.startswith("device/"):
        body = {"AlarmInfoPlate": {"serialno": "cam-1", "result": {"PlateResult": body}}}
    try:
        payload = json.dumps(body).encode()
    except ValueError:  # a float json cannot write
        return
    with app.app_context():
        try:
            prepared = prepare(topic, payload)
        except Rejected as rejected:
            assert rejected.reason and str(rejected)
            return
    read = prepared.read
    for key in ("event_id", "plate", "lane", "vehicle_type"):
        if isinstance(read.get(key), str):
            assert storable(read[key]) and text_problem(read[key]) is None


@pytest.fixture
def gate_headers(make_firm):
    from registry.extensions import db
    from registry.gates.services import create_gate

    gate, secret = create_gate(None, make_firm(), "东门")
    db.session.commit()
    return gate.code, {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("endpoint", ["events", "alarm-info-plate", "isapi"])
@SETTINGS
@given(body=JSON_VALUES, raw=st.binary(max_size=200), as_json=st.booleans())
def test_no_gate_push_earns_a_5xx(client, gate_headers, endpoint, body, raw, as_json):
    """The gate endpoints with the gate's own secret (which the API fuzzer does not have): any body."""
    code, headers = gate_headers
    if endpoint == "alarm-info-plate" and isinstance(body, dict):
        body = {"AlarmInfoPlate": {"result": {"PlateResult": body}}}
    try:
        data = json.dumps(body).encode() if as_json else raw
    except ValueError:
        data = raw
    kind = "application/json" if as_json else "application/xml"
    answer = client.post(f"/api/v1/gates/{code}/{endpoint}", data=data, headers=headers | {"Content-Type": kind})
    assert answer.status_code < 500, (endpoint, data[:200], answer.get_data(as_text=True)[:300])
