"""The terminal protocol's core, pure (issue 32): frames built by the project's encoder in both layouts,
read back whole however TCP cuts them, and anything else given back as a dead letter with its reason."""

import contextlib
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.common.time import LOCAL_TZ
from registry.obd.protocol.frames import MAX_LENGTH, Command, Frame, Reader, Rejected
from registry.obd.protocol.units import Info, UnitError, read_unit, write_realtime, write_unit
from registry.obd.protocol.values import DIESEL_FIELDS, measured, position

VIN = "LZZ1ELSEXPW123456"
AT = datetime(2026, 12, 7, 9, 30, 0, tzinfo=LOCAL_TZ)


def diesel(**raw) -> dict:
    """A diesel data stream as the terminal sends it: 60 km/h, 1,400 rpm, NOx 400 ppm before the SCR and
    40 after, urea 50 %, SCR at 300 °C, a fix in Xinzhou."""
    fields = {"speed": 60 * 256, "barometric_pressure": 180, "net_torque": 175, "friction_torque": 130,
              "engine_speed": 1400 * 8, "fuel_flow": 600, "nox_upstream": 12000, "nox_downstream": 4800,
              "urea_level": 125, "intake_air_flow": 10000, "scr_inlet_temperature": (300 + 273) * 32,
              "scr_outlet_temperature": (290 + 273) * 32, "dpf_pressure_difference": 50,
              "coolant_temperature": 125, "fuel_level": 200, "positioning": 0, "longitude": 112_733_000,
              "latitude": 38_416_000, "odometer": 1_234_567}  # fmt: skip
    return fields | raw


def obd(mil: int = 0, codes=()) -> dict:
    return {"protocol": 2, "mil": mil, "diagnosis_support": 0xFFFF, "readiness": 0, "vin": VIN,
            "calid": b"C" * 18, "cvn": b"\x00" * 18, "iupr": b"\x00" * 36, "fault_count": len(codes),
            "fault_codes": list(codes)}  # fmt: skip


def realtime(layout: str, samples: int = 10) -> bytes:
    if layout == "hj1239":
        infos = [{"type": Info.OBD, "collected_at": AT, "body": obd(1, [0x00A1B2C3])}]
        infos += [{"type": Info.DIESEL, "collected_at": AT.replace(second=n), "body": diesel()} for n in range(samples)]
        return write_realtime(AT, infos, "hj1239", serial=7)
    infos = [{"type": Info.OBD, "serial": 1, "body": obd(1, [0x00A1B2C3])}]
    infos += [{"type": Info.DIESEL, "serial": n + 2, "body": diesel()} for n in range(samples)]
    return write_realtime(AT, infos, "gb17691")


@pytest.mark.parametrize("layout", ["gb17691", "hj1239"])
def test_a_realtime_frame_reads_back_in_either_layout_told_apart_by_itself(layout):
    raw = Frame(Command.REALTIME, VIN, realtime(layout)).encode()
    assert raw[:2] == b"##" and raw[-1] == __import__("functools").reduce(lambda a, b: a ^ b, raw[2:-1])
    (frame,) = Reader().feed(raw)
    assert (frame.command, frame.vin, frame.raw) == (Command.REALTIME, VIN, raw)
    unit = read_unit(frame.command, frame.data)  # auto
    assert unit.layout == layout and unit.time == AT
    kinds = [info.type for info in unit.infos]
    assert kinds == [Info.OBD] + [Info.DIESEL] * 10
    values = measured(unit.infos[1].body, DIESEL_FIELDS)
    assert values["speed"] == 60 and values["engine_speed"] == 1400 and values["urea_level"] == 50
    assert values["nox_upstream"] == 400 and values["nox_downstream"] == 40
    assert values["scr_inlet_temperature"] == 300 and values["odometer"] == 123456.7
    assert unit.infos[0].body.mil == 1 and list(unit.infos[0].body.fault_codes) == [0x00A1B2C3]
    if layout == "hj1239":
        assert unit.serial == 7 and unit.infos[3].collected_at == AT.replace(second=2)


def test_the_sizes_are_those_seen_in_the_field():
    """DOMAIN.md: a GB frame of ten samples is about 431 bytes (here with no OBD information)."""
    infos = [{"type": Info.DIESEL, "serial": n, "body": diesel()} for n in range(10)]
    assert len(Frame(Command.REALTIME, VIN, write_realtime(AT, infos)).encode()) == 431


def test_values_out_of_range_or_markers_are_invalid_never_trusted():
    values = measured(
        diesel(
            scr_inlet_temperature=0xFEFF, urea_level=255, speed=0xFFFF, coolant_temperature=251, odometer=0xFFFFFFFF
        ),
        DIESEL_FIELDS,
    )
    assert values["scr_inlet_temperature"] is None and values["urea_level"] is None and values["speed"] is None
    assert values["coolant_temperature"] is None and values["odometer"] is None
    assert measured(diesel(urea_level=251), DIESEL_FIELDS)["urea_level"] is None  # 100.4 %
    assert position(0x01, 112_733_000, 38_416_000).valid is False
    assert position(0x06, 112_733_000, 38_416_000) == position(0x06, 112_733_000, 38_416_000)
    assert (position(0x06, 1_000_000, 2_000_000).longitude, position(0x06, 1_000_000, 2_000_000).latitude) == (-1, -2)


def test_split_and_merged_reads_give_the_same_frames():
    frames = [Frame(Command.REALTIME, VIN, realtime(layout)).encode() for layout in ("gb17691", "hj1239")]
    stream = b"".join(frames * 3)
    for size in (1, 2, 7, 24, 25, 431, 1000, len(stream)):
        reader, found = Reader(), []
        for place in range(0, len(stream), size):
            found += reader.feed(stream[place : place + size])
        assert [item.raw for item in found] == frames * 3, size


def test_garbage_a_bad_checksum_and_a_hostile_length_are_dead_letters_and_the_stream_goes_on():
    good = Frame(Command.REALTIME, VIN, realtime("gb17691")).encode()
    corrupted = bytearray(good)
    corrupted[100] ^= 0xFF
    claims_a_gigabyte = b"##\x02" + VIN.encode() + b"\x01\x01\xff\xff" + b"\x00" * 10
    not_a_vin = b"##\x02" + b"IOQ" * 5 + b"xx" + b"\x01\x01\x00\x00" + b"\x00"
    found = Reader().feed(b"\x00garbage" + bytes(corrupted) + good + claims_a_gigabyte + good + not_a_vin + good)
    frames = [item for item in found if isinstance(item, Frame)]
    rejected = [item for item in found if isinstance(item, Rejected)]
    assert [f.raw for f in frames] == [good, good, good]
    reasons = " ".join(r.reason for r in rejected)
    assert "BCC" in reasons and f"over {MAX_LENGTH}" in reasons and "VIN" in reasons
    assert sum(len(r.raw) for r in rejected) + 3 * len(good) == len(
        b"\x00garbage" + bytes(corrupted) + good + claims_a_gigabyte + good + not_a_vin + good
    )


def test_an_unknown_information_type_is_named():
    unit = bytearray(realtime("gb17691", samples=2))
    unit[6 + 3 + 96 + 4] = 0x42  # the first diesel stream's type
    with pytest.raises(UnitError, match="0x42"):
        read_unit(Command.REALTIME, bytes(unit), "gb17691")


def test_the_other_commands_read_and_write():
    login = write_unit(Command.LOGIN, time=AT, serial=1, iccid="89860000000000000001")
    assert read_unit(Command.LOGIN, login).iccid == "89860000000000000001"
    assert read_unit(Command.LOGOUT, write_unit(Command.LOGOUT, time=AT, serial=3)).serial == 3
    assert read_unit(Command.TIME_CALIBRATION, b"") is None
    assert read_unit(Command.TIME_CALIBRATION, write_unit(Command.TIME_CALIBRATION, time=AT)).time == AT
    tamper = write_unit(Command.TAMPER, time=AT, serial=2, positioning=0, longitude=112_000_000, latitude=38_000_000)
    assert read_unit(Command.TAMPER, tamper).longitude == 112_000_000
    with pytest.raises(UnitError):
        read_unit(Command.LOGIN, login[:-1])
    with pytest.raises(UnitError, match="0x09"):
        read_unit(0x09, b"")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    noise=st.lists(st.binary(max_size=80), max_size=6),
    cuts=st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=20),
)
def test_any_bytes_give_frames_or_dead_letters_and_every_byte_is_accounted_for(noise, cuts):
    good = Frame(Command.REALTIME, VIN, realtime("hj1239", samples=2)).encode()
    stream = b"".join(chunk + good for chunk in noise) + b"tail"
    reader, found, place = Reader(), [], 0
    for cut in cuts * (len(stream) // sum(cuts) + 1):
        found += reader.feed(stream[place : place + cut])
        place += cut
        if place >= len(stream):
            break
    assert all(isinstance(item, Frame | Rejected) for item in found)
    held = bytes(reader.buffer)
    assert b"".join(item.raw for item in found) + held == stream
    assert len(held) <= 1  # nothing is held back but a byte that may start a mark
    frames = [item for item in found if isinstance(item, Frame)]
    assert len(frames) >= len(noise) - sum(1 for chunk in noise if b"#" in chunk or b"~" in chunk)
    for frame in frames:
        with contextlib.suppress(UnitError):  # a data unit that cannot be read: a dead letter with its reason
            read_unit(frame.command, frame.data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_data_unit_is_read_or_refused_with_a_reason(data):
    for command in (*Command, 0x09):
        try:
            read_unit(command, data)
        except UnitError as exc:
            assert str(exc)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_packing_gives_back_the_bytes_as_received(raw):
    from registry.obd.protocol.packing import pack, unpack

    assert unpack(pack(raw)) == raw and len(pack(raw)) <= len(raw) + 1
