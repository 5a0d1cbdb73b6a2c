"""Frames of the terminal protocol and a TCP stream cut into them (DOMAIN.md section 8).

A frame: start mark `##` (HJ 1239 terminals of some makers: `~~`), command (1), VIN (17 ASCII), terminal
software version (1), encryption (1), data-unit length (2, big-endian, at most 65,531), the data unit,
and a BCC: the XOR of every byte from the command to the byte before the BCC. TCP splits and merges
frames; a `Reader` is fed what each read gives and returns whole frames, and what it had to skip (a
checksum that does not match, a length that cannot be, bytes before a start mark) as `Rejected`, each
with its reason and bytes, never raising."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import reduce

from construct import Bytes, Checksum, Const, ConstructError, Int8ub, Int16ub, PaddedString, RawCopy, Struct, this

MAX_LENGTH = 65531
HEADER = 24  # start mark to length, inclusive
STARTS = (b"##", b"~~")
VIN_CHARACTERS = frozenset(b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ")  # ISO 3779: no I, O or Q


class Command(IntEnum):
    LOGIN = 0x01
    REALTIME = 0x02
    RESEND = 0x03
    LOGOUT = 0x04
    TIME_CALIBRATION = 0x05
    TAMPER = 0x06  # HJ 1239
    ACTIVATION = 0x07  # HJ 1239
    ACTIVATION_ANSWER = 0x08  # HJ 1239, platform to terminal


class Encryption(IntEnum):
    NONE = 0x01
    RSA = 0x02
    SM2 = 0x03
    ABNORMAL = 0xFE
    INVALID = 0xFF


def bcc(data: bytes) -> int:
    """XOR of the bytes."""
    return reduce(lambda a, b: a ^ b, data, 0)


_CHECKED = Struct(
    "command" / Int8ub,
    "vin" / PaddedString(17, "ascii"),
    "software_version" / Int8ub,
    "encryption" / Int8ub,
    "length" / Int16ub,
    "data" / Bytes(this.length),
)


def _layout(start: bytes):
    return Struct(
        "start" / Const(start),
        "checked" / RawCopy(_CHECKED),
        "bcc" / Checksum(Int8ub, bcc, this.checked.data),
    )


LAYOUTS = {start: _layout(start) for start in STARTS}
HEADER_LAYOUT = Struct(
    "start" / Bytes(2),
    "command" / Int8ub,
    "vin" / Bytes(17),
    "software_version" / Int8ub,
    "encryption" / Int8ub,
    "length" / Int16ub,
)


@dataclass(frozen=True)
class Frame:
    command: int
    vin: str
    data: bytes
    software_version: int = 1
    encryption: int = Encryption.NONE
    start: bytes = b"##"
    raw: bytes = b""  # the frame's bytes as received (empty for one built here, until encoded)

    def encode(self) -> bytes:
        """The frame's bytes, with its length and BCC."""
        return LAYOUTS[self.start].build(
            {
                "checked": {
                    "value": {
                        "command": self.command,
                        "vin": self.vin,
                        "software_version": self.software_version,
                        "encryption": self.encryption,
                        "length": len(self.data),
                        "data": self.data,
                    }
                }
            }
        )


@dataclass(frozen=True)
class Rejected:
    """Bytes the reader skipped, and why (a dead letter): `vin` when the header named one."""

    reason: str
    raw: bytes
    vin: str | None = None


def _merged(found: list[Frame | Rejected]) -> list[Frame | Rejected]:
    """Rejections one after another as one (a bad frame, then the bytes up to the next start mark): each
    of its reasons once, all its bytes, the VIN a header named."""
    merged: list[Frame | Rejected] = []
    for item in found:
        last = merged[-1] if merged else None
        if isinstance(item, Rejected) and isinstance(last, Rejected):
            reasons = last.reason.split("；")
            reason = last.reason if item.reason in reasons else f"{last.reason}；{item.reason}"
            merged[-1] = Rejected(reason, last.raw + item.raw, last.vin or item.vin)
        else:
            merged.append(item)
    return merged


def valid_vin(vin: bytes) -> bool:
    return len(vin) == 17 and all(byte in VIN_CHARACTERS for byte in vin)


class Reader:
    """A TCP stream's frames, as its reads come. `feed` returns what each read completes: Frames in order,
    and Rejected for what was skipped. At most one frame's bytes (65,556) are held while one is awaited;
    garbage is given back as Rejected once a start mark is found after it, or when more than a frame's
    worth has piled up without one."""

    def __init__(self, starts: tuple[bytes, ...] = STARTS):
        self.starts = starts
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[Frame | Rejected]:
        self.buffer += data
        found: list[Frame | Rejected] = []
        while self.buffer:
            start = self._next_start()
            if start < 0:  # no start mark: all but a last byte that may begin one is garbage
                keep = 1 if bytes(self.buffer[-1:]) in {mark[:1] for mark in self.starts} else 0
                if len(self.buffer) > keep:
                    garbage = bytes(self.buffer[: len(self.buffer) - keep])
                    found.append(Rejected("没有帧起始符 / bytes without a start mark", garbage))
                    del self.buffer[: len(garbage)]
                break
            if start > 0:
                found.append(Rejected("帧起始符前的多余字节 / bytes before a start mark", bytes(self.buffer[:start])))
                del self.buffer[:start]
            if len(self.buffer) < HEADER:
                break
            header = HEADER_LAYOUT.parse(self.buffer)
            named = header.vin.decode("ascii") if valid_vin(header.vin) else None
            if header.length > MAX_LENGTH:
                reason = f"数据单元长度 {header.length} 超过 {MAX_LENGTH} / length {header.length} over {MAX_LENGTH}"
                found.append(self._skip(reason, named))
            elif named is None:
                found.append(self._skip("VIN 无效 / the VIN is not one", None))
            elif len(self.buffer) < HEADER + header.length + 1:
                break
            else:
                found.append(self._frame(header.length, named))
        return _merged(found)

    def _frame(self, length: int, vin: str) -> Frame | Rejected:
        raw = bytes(self.buffer[: HEADER + length + 1])
        try:
            parsed = LAYOUTS[raw[:2]].parse(raw)
        except ConstructError:
            return self._skip("校验码（BCC）不符 / BCC does not match", vin)
        del self.buffer[: len(raw)]
        checked = parsed.checked.value
        return Frame(checked.command, vin, checked.data, checked.software_version, checked.encryption, raw[:2], raw)

    def _next_start(self) -> int:
        places = [self.buffer.find(start) for start in self.starts]
        places = [place for place in places if place >= 0]
        return min(places) if places else -1

    def _skip(self, reason: str, vin: str | None) -> Rejected:
        """The start mark was not a frame's: skip past it and look again (a real frame may begin inside)."""
        skipped = bytes(self.buffer[:2])
        del self.buffer[:2]
        return Rejected(reason, skipped, vin)
