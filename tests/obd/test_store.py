"""Frames stored (issue 32): kept once however often they come, the newest data is the terminal's state,
a terminal nobody registered is kept and flagged, activation keeps the chip id and key that later
signatures are verified with, and what cannot be read is a dead letter with its reason."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from registry.common.time import LOCAL_TZ
from registry.events.models import DeadLetter
from registry.extensions import db
from registry.obd.models import ObdFrame, ObdTerminal
from registry.obd.protocol.frames import Command, Frame, Reader, Rejected
from registry.obd.protocol.packing import unpack
from registry.obd.protocol.signing import public_key_of, sign
from registry.obd.protocol.units import Info, write_realtime, write_unit
from registry.obd.store import Received, store
from tests.obd.test_protocol import AT, diesel, obd

VIN = "LZZ1ELSEXPW123456"
NOW = datetime(2026, 12, 7, 1, 31, tzinfo=UTC)
PRIVATE = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
CHIP = "CHIP000000000001"


def data_frame(at: datetime, serial: int, command=Command.REALTIME, urea: int = 125, mil: int = 0,
               layout: str = "gb17691", signed: bool = False) -> Frame:  # fmt: skip
    if layout == "hj1239":
        infos = [{"type": Info.OBD, "collected_at": at, "body": obd(mil)}]
        infos += [{"type": Info.DIESEL, "collected_at": at + timedelta(seconds=n), "body": diesel(urea_level=urea)}
                  for n in range(10)]  # fmt: skip
        data = write_realtime(at, infos, "hj1239", serial=serial)
        if signed:
            r, s = sign(PRIVATE, CHIP.encode(), data)
            data = write_realtime(at, infos, "hj1239", serial=serial, signature={"r": r, "s": s})
    else:
        infos = [{"type": Info.OBD, "serial": serial, "body": obd(mil)}]
        infos += [{"type": Info.DIESEL, "serial": serial + 1 + n, "body": diesel(urea_level=urea)} for n in range(10)]
        data = write_realtime(at, infos, "gb17691")
    raw = Frame(command, VIN, data).encode()
    return Reader().feed(raw)[0]


def received(*items) -> list[Received]:
    return [Received(item, "10.0.0.9:50000", NOW) for item in items]


def test_a_frame_is_kept_once_and_its_newest_data_is_the_state(make_vehicle):
    truck = make_vehicle(plate="晋H60001", vin=VIN)
    first, later = data_frame(AT, 1), data_frame(AT + timedelta(seconds=10), 12, urea=25, mil=1)
    assert store(received(first, later), NOW) == [None, None]  # GB terminals expect no answer
    resent = data_frame(AT, 1, Command.RESEND)  # the same data unit, sent again from the backlog
    store(received(resent, first), NOW)
    assert db.session.scalar(select(func.count()).select_from(ObdFrame)) == 2
    terminal = db.session.scalar(select(ObdTerminal).where(ObdTerminal.vin == VIN))
    assert terminal.vehicle_id == truck.id and not terminal.registered  # found by VIN; nobody registered it
    assert terminal.urea_level == 10 and terminal.mil is True  # the later frame's, not the resend's
    assert terminal.last_collected_at == AT + timedelta(seconds=19)  # its last sample, a second apart
    assert terminal.speed == 60 and round(terminal.longitude, 3) == 112.733 and terminal.position_valid
    frame = db.session.scalar(select(ObdFrame).where(ObdFrame.serial == 12))
    assert unpack(frame.raw) == later.raw and len(frame.raw) < len(later.raw)  # as received, packed
    assert frame.samples == 10 and frame.layout == "gb17691"


def test_late_data_is_kept_at_its_own_time_and_does_not_take_the_state_back():
    store(received(data_frame(AT, 1, urea=25)), NOW)
    store(received(data_frame(AT - timedelta(days=3), 5, Command.RESEND, urea=250)), NOW)
    terminal = db.session.scalar(select(ObdTerminal).where(ObdTerminal.vin == VIN))
    assert terminal.urea_level == 10
    times = sorted(db.session.scalars(select(ObdFrame.collected_at)))
    assert times == [AT - timedelta(days=3), AT]


def test_activation_keeps_the_key_that_verifies_later_signatures_and_is_answered():
    unsigned = write_unit(Command.ACTIVATION, time=AT, chip_id=CHIP, public_key=public_key_of(PRIVATE), vin=VIN,
                          signature={"r": b"\x00" * 32, "s": b"\x00" * 32})[:-66]  # fmt: skip
    r, s = sign(PRIVATE, CHIP.encode(), unsigned)
    activation = Reader().feed(Frame(Command.ACTIVATION, VIN, unsigned + b"\x20" + r + b"\x20" + s).encode())[0]
    (answer,) = store(received(activation), NOW)
    (reply,) = Reader().feed(answer)
    assert (reply.command, reply.vin, reply.data) == (Command.ACTIVATION_ANSWER, VIN, b"\x01\x00")
    (again,) = store(received(activation), NOW)
    assert Reader().feed(again)[0].data == b"\x01\x01"  # already filed
    store(received(data_frame(AT, 7, layout="hj1239", signed=True)), NOW)
    terminal = db.session.scalar(select(ObdTerminal).where(ObdTerminal.vin == VIN))
    assert terminal.chip_id == CHIP and terminal.public_key == public_key_of(PRIVATE)
    assert terminal.signature == "verified"


def test_time_calibration_is_answered_with_the_platforms_time():
    request = Reader().feed(Frame(Command.TIME_CALIBRATION, VIN, b"").encode())[0]
    (answer,) = store(received(request), NOW)
    reply = Reader().feed(answer)[0]
    assert reply.command == Command.TIME_CALIBRATION and reply.data == bytes([26, 12, 7, 9, 31, 0])
    assert NOW.astimezone(LOCAL_TZ).hour == 9


def test_what_cannot_be_read_is_a_dead_letter_with_its_reason_and_the_rest_is_stored():
    bad = Reader().feed(Frame(Command.REALTIME, VIN, bytes([26, 12, 7, 9, 30, 0, 0x42, 0, 1])).encode())[0]
    encrypted = Reader().feed(Frame(Command.REALTIME, VIN, b"\x00" * 40, encryption=0x03).encode())[0]
    garbage = Rejected("校验码（BCC）不符 / BCC does not match", b"##\x02junk", VIN)
    store(received(bad, encrypted, garbage, data_frame(AT, 1)), NOW)
    letters = db.session.scalars(select(DeadLetter).where(DeadLetter.source == "obd").order_by(DeadLetter.id)).all()
    assert [("0x42" in d.error, "SM2" in d.error, "BCC" in d.error) for d in letters] == [
        (True, False, False), (False, True, False), (False, False, True)
    ]  # fmt: skip
    assert letters[0].payload == bad.raw and VIN in letters[0].topic
    assert db.session.scalar(select(func.count()).select_from(ObdFrame)) == 1
