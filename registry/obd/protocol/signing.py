"""HJ 1239 signatures: SM2 with SM3 (GB/T 32918.2, GB/T 35276), the signer's user id being its security
chip's id (DOMAIN.md section 8).

The SM2 curve's arithmetic is fastecdsa's (C, GMP) and SM3 is OpenSSL's (hashlib). What is here is the
standard's two equations around them: the signer's Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA),
e = SM3(Z || M), and the check (e + x1) mod n = r where (x1, y1) = s·G + (r + s)·P. Neither library
takes a user id other than the default "1234567812345678" (Tongsuo's SM2) or verifies fast enough for a
city (gmssl: 16 ms a signature, against about 1 ms here). tests/obd/test_signing.py holds this to
Tongsuo's own SM2 on the default id, both ways."""

from __future__ import annotations

import hashlib
import secrets

from fastecdsa.curve import Curve
from fastecdsa.point import Point

P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0
SM2 = Curve("SM2", P, A, B, N, GX, GY)
DEFAULT_ID = b"1234567812345678"


def sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def _digest(public_key: bytes, user_id: bytes, message: bytes) -> int:
    """e = SM3(Z || M), Z the signer's: its id and public key on the curve."""
    constants = b"".join(value.to_bytes(32, "big") for value in (A, B, GX, GY))
    z = sm3((len(user_id) * 8).to_bytes(2, "big") + user_id + constants + public_key)
    return int.from_bytes(sm3(z + message), "big")


def _point(public_key: bytes) -> Point | None:
    if len(public_key) != 64:
        return None
    try:
        return Point(int.from_bytes(public_key[:32], "big"), int.from_bytes(public_key[32:], "big"), curve=SM2)
    except ValueError:  # not on the curve
        return None


def verify(public_key: bytes, user_id: bytes, message: bytes, r: bytes, s: bytes) -> bool:
    """Whether (r, s) is the signature of `message` by the holder of `public_key` (x || y, 64 bytes)
    with `user_id`. A key that is no point of the curve verifies nothing."""
    point = _point(public_key)
    r_value, s_value = int.from_bytes(r, "big"), int.from_bytes(s, "big")
    if point is None or not (0 < r_value < N and 0 < s_value < N):
        return False
    t = (r_value + s_value) % N
    if t == 0:
        return False
    total = s_value * SM2.G + t * point
    return (_digest(public_key, user_id, message) + total.x) % N == r_value


def public_key_of(private_key: int) -> bytes:
    point = private_key * SM2.G
    return point.x.to_bytes(32, "big") + point.y.to_bytes(32, "big")


def sign(private_key: int, user_id: bytes, message: bytes) -> tuple[bytes, bytes]:
    """(r, s): for the simulator and tests, which play terminals."""
    e = _digest(public_key_of(private_key), user_id, message)
    while True:
        k = secrets.randbelow(N - 1) + 1
        r = (e + (k * SM2.G).x) % N
        if r == 0 or r + k == N:
            continue
        s = pow(1 + private_key, -1, N) * (k - r * private_key) % N
        if s:
            return r.to_bytes(32, "big"), s.to_bytes(32, "big")


class Signed:
    """What a data unit's signature says: verified with the terminal's key, not matching it, carried but
    with no key known for the VIN (not activated here), or no signature at all."""

    VERIFIED = "verified"
    MISMATCH = "mismatch"
    NO_KEY = "no_key"
    UNSIGNED = "unsigned"


def signature_status(data: bytes, signature, public_key: bytes | None, chip_id: str | None) -> str:
    """The status of a data unit (`data`, as received) whose parsed `signature` (r, s) is its last 66
    bytes, signed over the bytes before them."""
    if signature is None:
        return Signed.UNSIGNED
    if not public_key or not chip_id:
        return Signed.NO_KEY
    message = data[:-66]
    ok = verify(public_key, chip_id.encode("ascii"), message, signature.r, signature.s)
    return Signed.VERIFIED if ok else Signed.MISMATCH
