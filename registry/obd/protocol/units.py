"""Each command's data unit, and each information type's body, read and written (DOMAIN.md section 8).

Times are 6 binary bytes (year - 2000, month, day, hour, minute, second) in China Standard Time.
Real-time and resend data units come in two layouts:

- GB 17691-2018 Annex Q: time, then {information type, information serial (2), body} repeated;
- HJ 1239.3-2021: time and a serial (2) once, then {information type, collection time, body} repeated,
  then an SM2 signature (0x20, R 32, 0x20, S 32) over the data unit before it.

Bodies carry no length: an unknown type ends what can be read, and the data unit is refused. `layout`
(setting OBD_DATA_LAYOUT) picks one, or `auto` tells them apart by what follows the first time."""

from __future__ import annotations

from datetime import datetime, timedelta

from construct import (
    Adapter,
    Array,
    Bytes,
    Const,
    ConstructError,
    Error,
    GreedyRange,
    Int8ub,
    Int16ub,
    Int32ub,
    Optional,
    PaddedString,
    Struct,
    Switch,
    Terminated,
    ValidationError,
    this,
)

from registry.common.time import LOCAL_TZ
from registry.obd.protocol.frames import Command

LAYOUTS = ("auto", "gb17691", "hj1239")


class UnitError(ValueError):
    """A data unit that cannot be read, and why (in both languages)."""


class _Time(Adapter):
    """6 bytes: year - 2000, month, day, hour, minute, second, China Standard Time; an aware datetime."""

    def _decode(self, obj, context, path):
        try:
            return datetime(2000 + obj.year, obj.month, obj.day, obj.hour, obj.minute, obj.second, tzinfo=LOCAL_TZ)
        except ValueError as exc:
            raise ValidationError(f"invalid time {list(obj.values())[1:]}", path=path) from exc

    def _encode(self, obj, context, path):
        local = obj.astimezone(LOCAL_TZ)
        return {"year": local.year - 2000, "month": local.month, "day": local.day, "hour": local.hour,
                "minute": local.minute, "second": local.second}  # fmt: skip


Time = _Time(
    Struct("year" / Int8ub, "month" / Int8ub, "day" / Int8ub, "hour" / Int8ub, "minute" / Int8ub, "second" / Int8ub)
)

# Information bodies, by type. Fields are raw: registry.obd.protocol.values gives them their units.
OBD = Struct(
    "protocol" / Int8ub,  # 0 ISO 15765, 1 ISO 27145, 2 SAE J1939, 0xFE invalid
    "mil" / Int8ub,  # 0 off, 1 on, 0xFE invalid
    "diagnosis_support" / Int16ub,
    "readiness" / Int16ub,
    "vin" / PaddedString(17, "ascii"),
    "calid" / Bytes(18),
    "cvn" / Bytes(18),
    "iupr" / Bytes(36),
    "fault_count" / Int8ub,  # 0xFE: invalid, no list
    "fault_codes" / Array(lambda this: 0 if this.fault_count == 0xFE else this.fault_count, Int32ub),
)
DIESEL = Struct(
    "speed" / Int16ub,
    "barometric_pressure" / Int8ub,
    "net_torque" / Int8ub,
    "friction_torque" / Int8ub,
    "engine_speed" / Int16ub,
    "fuel_flow" / Int16ub,
    "nox_upstream" / Int16ub,
    "nox_downstream" / Int16ub,
    "urea_level" / Int8ub,
    "intake_air_flow" / Int16ub,
    "scr_inlet_temperature" / Int16ub,
    "scr_outlet_temperature" / Int16ub,
    "dpf_pressure_difference" / Int16ub,
    "coolant_temperature" / Int8ub,
    "fuel_level" / Int8ub,
    "positioning" / Int8ub,  # bit 0: no valid fix; bit 1: south; bit 2: west
    "longitude" / Int32ub,
    "latitude" / Int32ub,
    "odometer" / Int32ub,
)
TWC = Struct("raw" / Bytes(30))  # gas engines' three-way catalyst stream: kept as received
HYBRID = Struct(
    "motor_speed" / Int16ub,
    "motor_load" / Int8ub,
    "battery_voltage" / Int16ub,
    "battery_current" / Int16ub,
    "state_of_charge" / Int8ub,
)
TWC_NOX = Struct("raw" / Bytes(32))
SUPPLEMENT = Struct(
    "torque_mode" / Int8ub,
    "accelerator" / Int8ub,
    "total_fuel" / Int32ub,
    "urea_temperature" / Int8ub,
    "urea_dosing" / Int32ub,
    "urea_total" / Int32ub,
    "dpf_exhaust_temperature" / Int16ub,
)


class Info:
    OBD = 0x01
    DIESEL = 0x02
    TWC = 0x03
    HYBRID = 0x04
    TWC_NOX = 0x05
    SUPPLEMENT = 0x80


BODIES = {Info.OBD: OBD, Info.DIESEL: DIESEL, Info.TWC: TWC, Info.HYBRID: HYBRID, Info.TWC_NOX: TWC_NOX,
          Info.SUPPLEMENT: SUPPLEMENT}  # fmt: skip
_BODY = Switch(this.type, BODIES, default=Error)

SIGNATURE = Struct("_r" / Const(b"\x20"), "r" / Bytes(32), "_s" / Const(b"\x20"), "s" / Bytes(32))
SIGNATURE_SIZE = 66

REALTIME_GB = Struct(
    "time" / Time,
    "infos" / GreedyRange(Struct("type" / Int8ub, "serial" / Int16ub, "body" / _BODY)),
    Terminated,
)
REALTIME_HJ = Struct(
    "time" / Time,
    "serial" / Int16ub,
    "infos" / GreedyRange(Struct("type" / Int8ub, "collected_at" / Time, "body" / _BODY)),
    "signature" / Optional(SIGNATURE),
    Terminated,
)
LOGIN = Struct("time" / Time, "serial" / Int16ub, "iccid" / PaddedString(20, "ascii"), Terminated)
LOGOUT = Struct("time" / Time, "serial" / Int16ub, Terminated)
TIME_ANSWER = Struct("time" / Time, Terminated)
TAMPER = Struct(
    "time" / Time,
    "serial" / Int16ub,
    "positioning" / Int8ub,
    "longitude" / Int32ub,
    "latitude" / Int32ub,
    Terminated,
)
ACTIVATION = Struct(
    "time" / Time,
    "chip_id" / PaddedString(16, "ascii"),
    "public_key" / Bytes(64),
    "vin" / PaddedString(17, "ascii"),
    "signature" / SIGNATURE,
    Terminated,
)
ACTIVATION_ANSWER = Struct("status" / Int8ub, "info" / Int8ub, Terminated)
FIXED = {Command.LOGIN: LOGIN, Command.LOGOUT: LOGOUT, Command.TAMPER: TAMPER, Command.ACTIVATION: ACTIVATION,
         Command.ACTIVATION_ANSWER: ACTIVATION_ANSWER}  # fmt: skip


def _looks_hj(data: bytes) -> bool:
    """After the time and two bytes, a known type and a time within a day of the first: HJ 1239's."""
    if len(data) < 15 or data[8] not in BODIES:
        return False
    try:
        first, second = Time.parse(data[:6]), Time.parse(data[9:15])
    except ConstructError:
        return False
    return abs(second - first) <= timedelta(days=1)


def realtime_layout(data: bytes, layout: str = "auto") -> str:
    if layout != "auto":
        return layout
    return "hj1239" if _looks_hj(data) else "gb17691"


def read_unit(command: int, data: bytes, layout: str = "auto"):
    """The data unit of a command as a construct Container (a real-time or resend one with `layout`
    added); raises UnitError with the reason when it cannot be read."""
    try:
        if command in (Command.REALTIME, Command.RESEND):
            chosen = realtime_layout(data, layout)
            unit = (REALTIME_HJ if chosen == "hj1239" else REALTIME_GB).parse(data)
            unit.layout = chosen
            return unit
        if command == Command.TIME_CALIBRATION:
            return TIME_ANSWER.parse(data) if data else None
        if command in FIXED:
            return FIXED[command].parse(data)
    except ConstructError as exc:
        raise UnitError(_why(command, data, layout, exc)) from exc
    raise UnitError(f"未知命令 0x{command:02X} / unknown command 0x{command:02X}")


def _why(command: int, data: bytes, layout: str, exc: ConstructError) -> str:
    """What could not be read, in a person's words: an unknown information type where one was read."""
    if command in (Command.REALTIME, Command.RESEND):
        chosen = realtime_layout(data, layout)
        place, step = (8, 7) if chosen == "hj1239" else (6, 3)
        while place < len(data):
            kind = data[place]
            if kind not in BODIES:
                if chosen == "hj1239" and len(data) - place == SIGNATURE_SIZE:
                    break
                return (
                    f"未知信息类型 0x{kind:02X}（第 {place} 字节）/ "
                    f"unknown information type 0x{kind:02X} at byte {place}"
                )
            try:
                size = len(BODIES[kind].build(BODIES[kind].parse(data[place + step :])))
            except ConstructError:
                break
            place += step + size
        return f"数据单元无法解析（{chosen}）/ the {chosen} data unit cannot be read: {str(exc).splitlines()[0]}"
    first = str(exc).splitlines()[0]
    return f"命令 0x{command:02X} 的数据单元无法解析 / the data unit of 0x{command:02X} cannot be read: {first}"


def write_realtime(time: datetime, infos: list[dict], layout: str = "gb17691", serial: int = 1,
                   signature: dict | None = None) -> bytes:  # fmt: skip
    """A real-time data unit: `infos` as {"type", "serial" (GB) or "collected_at" (HJ), "body"}."""
    if layout == "hj1239":
        return REALTIME_HJ.build({"time": time, "serial": serial, "infos": infos, "signature": signature})
    return REALTIME_GB.build({"time": time, "infos": infos})


def write_unit(command: int, **fields) -> bytes:
    """Any other command's data unit (login, logout, tamper, activation and its answer, time)."""
    if command == Command.TIME_CALIBRATION:
        return TIME_ANSWER.build(fields) if fields else b""
    return FIXED[command].build(fields)
