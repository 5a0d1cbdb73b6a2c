"""The gateway's fast path for native gate events (msgspec, registry.ingest.reads.native_read) gives exactly
the read GateEventSchema gives, or leaves the message to it: generated messages, good and bad alike."""

import base64
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.ingest.reads import SCHEMA, native_read

TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["晋H12345", "晋H\u200b12345", "_无_", "无牌车", "", "晋H\x0012345", "晋H\u202e1", "a" * 70]),
)
ANY = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 2**60), st.floats(allow_nan=False), TEXT, st.lists(st.integers(0, 3))
)
MOMENTS = st.sampled_from(
    [
        "2022-05-01T10:00:00+08:00",
        "2022-05-01T02:00:00Z",
        "2022-05-01T10:00:00.123456+08:00",
        "2022-05-01 10:00:00+08:00",
        "2022-05-01T10:00:00",
        "9999-12-31T23:59:59+00:00",
        "0001-01-01T00:00:00+08:00",
        "2022-13-01T10:00:00+08:00",
        "yesterday",
    ]
)
PICTURE = base64.b64encode(b"\xff\xd8\xff\xe0 not really a jpeg").decode()


GOOD = {
    "event_id": st.text(min_size=1, max_size=20),
    "plate": st.one_of(st.none(), TEXT),
    "direction": st.sampled_from(["in", "out"]),
    "captured_at": MOMENTS,
    "plate_color": st.sampled_from(["yellow", "blue", "黄", "2", 2, "newEnergyYellowGreen", None, "purple", 99]),
    "confidence": st.one_of(st.none(), st.floats(0, 1), st.integers(0, 1)),
    "plate_sent": st.one_of(st.none(), TEXT),
    "lane": st.one_of(st.none(), TEXT),
    "vehicle_type": st.one_of(st.none(), TEXT),
    "time_source": st.sampled_from(["camera", "envelope", "receiver", "satellite"]),
    "images": st.dictionaries(
        st.sampled_from(["plate", "vehicle", "other"]), st.sampled_from([PICTURE, "%%%"]), max_size=5
    ),
    "picture_refs": st.dictionaries(st.sampled_from(["plate", "vehicle", "x"]), TEXT, max_size=3),
    "device": st.one_of(st.none(), TEXT),
    "sequence": st.one_of(st.none(), st.integers(-1, 2**53 + 1)),
    "backlog": st.booleans(),
    "plate_box": st.one_of(st.none(), st.lists(st.integers(-1, 2000), max_size=5)),
}
REQUIRED = ("event_id", "plate", "direction", "captured_at")


@st.composite
def events(draw):
    """An event of plausible values (a few of them wrong), one field at most of any JSON type at all."""
    optional = draw(st.sets(st.sampled_from([k for k in GOOD if k not in REQUIRED])))
    event = {key: draw(GOOD[key]) for key in (*REQUIRED, *sorted(optional))}
    if draw(st.booleans()):
        event[draw(st.sampled_from([*GOOD, "extra"]))] = draw(ANY)
    if draw(st.booleans()):
        del event[draw(st.sampled_from(REQUIRED))]
    return event


def slow(payload: bytes):
    try:
        return SCHEMA.load(json.loads(payload))
    except Exception as exc:
        return type(exc)


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
@given(events(), st.booleans())
def test_the_fast_path_gives_what_the_schema_gives_or_leaves_it_to_the_schema(event, ascii_only):
    payload = json.dumps(event, ensure_ascii=ascii_only).encode()
    fast = native_read(payload, 4)
    if fast is not None:
        assert fast == slow(payload)


def test_a_plain_event_takes_the_fast_path():
    event = {
        "event_id": "e-1",
        "plate": "晋H12345",
        "plate_color": "yellow",
        "direction": "in",
        "captured_at": "2022-05-01T10:00:00+08:00",
        "confidence": 0.9,
        "images": {"plate": PICTURE},
        "camera_extra": {"a": [1, 2]},
    }
    payload = json.dumps(event, ensure_ascii=False).encode()
    assert native_read(payload, 4) == SCHEMA.load(event)


def test_what_the_fast_path_leaves_the_schema_judges_in_its_own_words():
    for bad in (
        {"event_id": "e", "plate": "晋H1", "direction": "up", "captured_at": "2022-05-01T10:00:00+08:00"},
        {"event_id": "e", "plate": "晋H1", "direction": "in", "captured_at": "2022-05-01T10:00:00"},
        {"event_id": "e", "plate": "晋H\x001", "direction": "in", "captured_at": "2022-05-01T10:00:00+08:00"},
    ):
        assert native_read(json.dumps(bad).encode(), 4) is None
