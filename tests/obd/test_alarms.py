"""A terminal's alarms (issue 32): opened by its newest data by the thresholds of the policy in force,
each naming the frames it rests on, cleared when the data clears; a late frame changes nothing."""

from datetime import timedelta

from sqlalchemy import select

from registry.extensions import db
from registry.obd.alarms import Reading, changes
from registry.obd.models import ObdAlarm
from registry.obd.protocol.frames import Command, Frame, Reader
from registry.obd.protocol.units import write_unit
from registry.obd.store import Received, store
from tests.obd.test_protocol import AT
from tests.obd.test_store import NOW, VIN, data_frame

PARAMS = {"urea_low_percent": 10, "urea_empty_percent": 2, "nox_high_ppm": 500, "scr_efficiency_low": 0.5,
          "scr_warm_celsius": 250, "dpf_pressure_high_kpa": 50, "position_invalid_hours": 24}  # fmt: skip


def kinds(found) -> list[tuple[str, str]]:
    return sorted((c.kind, c.action) for c in found)


def test_the_thresholds_open_and_clear_each_alarm():
    at, frame = AT, (AT.isoformat(), 1)
    low = Reading(at, frame, mil=True, fault_codes=("00A1B2C3",), urea_lowest=8.0, nox_down_warm_highest=620.0,
                  warm_efficiency=0.3, dpf_highest=80.0)  # fmt: skip
    assert kinds(changes(set(), low, (), None, PARAMS)) == [
        ("dpf", "open"), ("fault_codes", "open"), ("mil", "open"), ("nox_high", "open"), ("scr_low", "open"),
        ("urea_low", "open"),
    ]  # fmt: skip
    empty = Reading(at, frame, urea_lowest=1.2)
    assert kinds(changes({"urea_low"}, empty, None, None, PARAMS)) == [("urea_empty", "open"), ("urea_low", "close")]
    fine = Reading(at, frame, mil=False, fault_codes=(), urea_lowest=60, nox_down_warm_highest=40,
                   warm_efficiency=0.9, dpf_highest=5)  # fmt: skip
    open_now = {"mil", "fault_codes", "urea_empty", "nox_high", "scr_low", "dpf"}
    assert {c.action for c in changes(open_now, fine, ("00A1B2C3",), None, PARAMS)} == {"close"}
    assert kinds(changes(open_now, fine, ("00A1B2C3",), None, PARAMS)) == sorted((k, "close") for k in open_now)
    cold = Reading(at, frame)  # a frame that says nothing of a measurement leaves its alarm as it is
    assert changes({"nox_high"}, cold, None, None, PARAMS) == []
    lost = Reading(at, frame, position_valid=False)
    assert kinds(changes(set(), lost, None, at - timedelta(hours=30), PARAMS)) == [("position", "open")]
    assert changes(set(), lost, None, at - timedelta(hours=2), PARAMS) == []


def test_a_low_urea_tank_opens_an_alarm_naming_its_frames_and_a_full_one_closes_it():
    frames = [data_frame(AT + timedelta(seconds=10 * n), 1 + 11 * n, urea=raw) for n, raw in enumerate((20, 18, 150))]
    store([Received(frames[0], "peer", NOW)], NOW)  # 8 %: low
    store([Received(frames[1], "peer", NOW)], NOW)  # 7.2 %: still low, the worst value kept
    alarm = db.session.scalar(select(ObdAlarm).where(ObdAlarm.kind == "urea_low"))
    assert alarm.closed_at is None and alarm.value == 7.2 and alarm.threshold == 10
    assert [e["serial"] for e in alarm.evidence] == [1, 12] and alarm.opened_at == AT + timedelta(seconds=9)
    store([Received(data_frame(AT - timedelta(hours=1), 99, Command.RESEND, urea=150), "peer", NOW)], NOW)
    assert db.session.get(ObdAlarm, alarm.id).closed_at is None  # late data does not clear it
    store([Received(frames[2], "peer", NOW)], NOW)  # 60 %
    assert db.session.get(ObdAlarm, alarm.id).closed_at == AT + timedelta(seconds=29)


def test_mil_and_a_removal_open_their_alarms():
    store([Received(data_frame(AT, 1, mil=1), "peer", NOW)], NOW)
    tamper = write_unit(Command.TAMPER, time=AT, serial=3, positioning=0, longitude=112_700_000, latitude=38_400_000)
    store([Received(Reader().feed(Frame(Command.TAMPER, VIN, tamper).encode())[0], "peer", NOW)], NOW)
    open_kinds = set(db.session.scalars(select(ObdAlarm.kind).where(ObdAlarm.closed_at.is_(None))))
    assert {"mil", "tamper"} <= open_kinds
