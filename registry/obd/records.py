"""What a received frame becomes, pure: the frame's row, what it says of its terminal's state, a dead
letter's reason, and the answer the terminal is owed. No database, no clock (the time of receipt and the
platform's time come in), no socket.

A real-time or resend data unit's state is its newest diesel data stream (speed, position, NOx, urea,
SCR temperatures, DPF pressure, odometer) and its OBD information (MIL, fault codes). In the GB 17691
layout the data unit has one time and its diesel streams (the 1 Hz samples) are taken a second apart
from it [U: docs/obd.md];
in HJ 1239 each information carries its own collection time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from registry.obd.alarms import Reading, reading
from registry.obd.protocol.frames import Command, Encryption, Frame
from registry.obd.protocol.packing import pack
from registry.obd.protocol.signing import Signed, signature_status
from registry.obd.protocol.units import UnitError, read_unit, write_unit
from registry.obd.protocol.values import fault_codes, mil
from registry.obd.samples import obd_info, unit_samples
from registry.obd.summary import DayPart, day_of, part_of

KINDS = {Command.REALTIME: "data", Command.RESEND: "data", Command.LOGIN: "login", Command.LOGOUT: "logout",
         Command.TAMPER: "tamper", Command.ACTIVATION: "activation"}  # fmt: skip
STATE = ("speed", "urea_level", "nox_upstream", "nox_downstream", "scr_inlet_temperature", "scr_outlet_temperature",
         "dpf_pressure_difference", "odometer")  # fmt: skip


@dataclass(frozen=True)
class Keys:
    """What is known of a VIN's terminal before its frame is read: its activation key and chip id."""

    public_key: bytes | None = None
    chip_id: str | None = None


@dataclass
class Outcome:
    """A frame's records: `row` for obd_frames (None: nothing to keep), `state` its terminal's newest
    state (None: it says none), `terminal` facts of the terminal itself (login, activation), `dead` the
    reason it is a dead letter, `answer` the bytes owed to the terminal (after the commit)."""

    row: dict | None = None
    state: dict | None = None
    terminal: dict = field(default_factory=dict)
    dead: str | None = None
    answer: bytes | None = None
    reading: Reading | None = None  # what its alarms are judged on (registry.obd.alarms)
    day: tuple[date, DayPart] | None = None  # its part of its truck's day (registry.obd.summary)


def _answer(frame: Frame, command: int, data: bytes) -> bytes:
    return Frame(command, frame.vin, data, frame.software_version, Encryption.NONE, frame.start).encode()


def build(frame: Frame, received_at: datetime, now_local: datetime, keys: Keys, layout: str = "auto",
          acknowledged: frozenset[int] = frozenset(), params: dict | None = None) -> Outcome:  # fmt: skip
    """The records of one frame (registry.obd.store writes them); `params`: the OBD_MONITORING policy's,
    for what the alarms are judged on."""
    if frame.encryption != Encryption.NONE:
        why = {Encryption.RSA: "RSA", Encryption.SM2: "SM2"}.get(frame.encryption, f"0x{frame.encryption:02X}")
        return Outcome(dead=f"数据单元已加密（{why}），无法解读 / the data unit is encrypted ({why})")
    if frame.command == Command.TIME_CALIBRATION:
        return Outcome(answer=_answer(frame, Command.TIME_CALIBRATION,
                                      write_unit(Command.TIME_CALIBRATION, time=now_local)))  # fmt: skip
    try:
        unit = read_unit(frame.command, frame.data, layout)
    except UnitError as exc:
        return Outcome(dead=str(exc))
    if frame.command not in KINDS:  # the platform's own commands, sent to it
        return Outcome(dead=f"平台命令 0x{frame.command:02X} 不应由终端发送 / 0x{frame.command:02X} is the platform's")
    outcome = Outcome(row={"vin": frame.vin, "kind": KINDS[frame.command], "command": frame.command,
                           "received_at": received_at, "raw": pack(frame.raw), "samples": 0, "layout": None,
                           "signature": None, "serial": 0, "collected_at": unit.time})  # fmt: skip
    outcome.terminal["software_version"] = frame.software_version
    if frame.command in (Command.REALTIME, Command.RESEND):
        _data(frame, unit, keys, outcome, params or {})
    elif frame.command == Command.LOGIN:
        outcome.row["serial"] = unit.serial
        outcome.terminal |= {"iccid": unit.iccid.strip("\x00 ") or None, "last_login_at": unit.time}
    elif frame.command in (Command.LOGOUT, Command.TAMPER):
        outcome.row["serial"] = unit.serial
        if frame.command == Command.TAMPER:
            outcome.terminal["tamper_at"] = unit.time
            outcome.reading = reading(unit.time, (unit.time.isoformat(), unit.serial), [], tamper=True)
    elif frame.command == Command.ACTIVATION:
        outcome.answer = _activation(frame, unit, keys, outcome)
    if frame.command in acknowledged and outcome.answer is None:
        outcome.answer = _answer(frame, frame.command, b"")
    return outcome


def _data(frame: Frame, unit, keys: Keys, outcome: Outcome, params: dict) -> None:
    row = outcome.row
    row["layout"] = unit.layout
    if unit.layout == "hj1239":
        row["serial"] = unit.serial
        row["signature"] = signature_status(frame.data, unit.signature, keys.public_key, keys.chip_id)
    else:
        row["serial"] = unit.infos[0].serial if unit.infos else 0
    samples, obd = unit_samples(unit), obd_info(unit)
    row["samples"] = len(samples)
    codes = (mil(obd.mil), fault_codes(obd)) if obd is not None else None
    newest = samples[-1]["at"] if samples else unit.time
    outcome.reading = reading(newest, (unit.time.isoformat(), row["serial"]), samples, codes, params)
    warm = params.get("scr_warm_celsius", 250.0)
    outcome.day = (day_of(unit.time), part_of(samples, codes[0] if codes else None, len(frame.raw), warm))
    state: dict = {"last_collected_at": unit.time, "signature": row["signature"]}
    if samples:
        last = samples[-1]
        state |= {name: last[name] for name in STATE}
        state |= {"last_collected_at": last["at"], "position_valid": last["position_valid"]}
        if last["position_valid"]:
            state |= {"longitude": last["longitude"], "latitude": last["latitude"], "last_fix_at": last["at"]}
    if codes is not None:
        state |= {"mil": codes[0], "fault_codes": codes[1]}
    outcome.state = state


def _activation(frame: Frame, unit, keys: Keys, outcome: Outcome) -> bytes:
    """Activation (备案激活): the chip id and SM2 public key kept for the VIN when the unit is signed by
    that key and names the frame's VIN; answered with 0x08 (status 0x01 done / 0x02 failed; info 0x01
    already filed, 0x02 VIN error, 0x03 other)."""
    outcome.row["serial"] = 0
    signed = signature_status(frame.data, unit.signature, unit.public_key, unit.chip_id.strip("\x00 "))
    if unit.vin != frame.vin:
        status, info = 0x02, 0x02
    elif signed != Signed.VERIFIED:
        status, info = 0x02, 0x03
    elif keys.public_key == unit.public_key and keys.chip_id == unit.chip_id.strip("\x00 "):
        status, info = 0x01, 0x01
    else:
        status, info = 0x01, 0x00
        outcome.terminal |= {"chip_id": unit.chip_id.strip("\x00 "), "public_key": unit.public_key,
                             "activated_at": unit.time}  # fmt: skip
    outcome.row["signature"] = signed
    return _answer(frame, Command.ACTIVATION_ANSWER, write_unit(Command.ACTIVATION_ANSWER, status=status, info=info))
