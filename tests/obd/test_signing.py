"""SM2 with SM3 and the signer's chip id (issue 32): the check is held to Tongsuo's SM2 (on the default
id, the only one its API takes), both ways, and an HJ 1239 data unit's signature is verified with the key
its terminal gave at activation."""

from datetime import datetime

from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.asymciphers.utils import encode_dss_signature

from registry.common.time import LOCAL_TZ
from registry.obd.protocol.signing import DEFAULT_ID, Signed, public_key_of, sign, signature_status, verify
from registry.obd.protocol.units import Info, read_unit, write_realtime
from tests.obd.test_protocol import diesel

PRIVATE = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
CHIP = "CHIP000000000001"


def _der_integers(signature: bytes) -> tuple[int, int]:
    """r and s of a DER SEQUENCE of two INTEGERs (short lengths: an SM2 signature's)."""
    assert signature[0] == 0x30
    place, values = 2, []
    for _ in range(2):
        assert signature[place] == 0x02
        size = signature[place + 1]
        values.append(int.from_bytes(signature[place + 2 : place + 2 + size], "big"))
        place += 2 + size
    return values[0], values[1]


def test_tongsuo_signatures_verify_here_and_ours_verify_in_tongsuo():
    key = ec.generate_private_key(ec.SM2())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    r, s = _der_integers(key.sign(b"a data unit", ec.ECDSA(hashes.SM3())))
    assert verify(public[1:], DEFAULT_ID, b"a data unit", r.to_bytes(32, "big"), s.to_bytes(32, "big"))
    assert not verify(public[1:], DEFAULT_ID, b"another", r.to_bytes(32, "big"), s.to_bytes(32, "big"))
    ours = ec.derive_private_key(PRIVATE, ec.SM2()).public_key()
    r, s = sign(PRIVATE, DEFAULT_ID, b"a data unit")
    signature = encode_dss_signature(int.from_bytes(r, "big"), int.from_bytes(s, "big"))
    ours.verify(signature, b"a data unit", ec.ECDSA(hashes.SM3()))  # raises if it does not verify


def test_the_chip_id_is_part_of_what_is_signed():
    r, s = sign(PRIVATE, CHIP.encode(), b"x")
    assert verify(public_key_of(PRIVATE), CHIP.encode(), b"x", r, s)
    assert not verify(public_key_of(PRIVATE), DEFAULT_ID, b"x", r, s)
    assert not verify(b"\x01" * 64, CHIP.encode(), b"x", r, s)  # not a point of the curve
    assert not verify(public_key_of(PRIVATE), CHIP.encode(), b"x", b"\x00" * 32, s)


def test_an_hj_data_unit_is_verified_with_its_terminals_key():
    at = datetime(2026, 12, 7, 9, 30, tzinfo=LOCAL_TZ)
    infos = [{"type": Info.DIESEL, "collected_at": at, "body": diesel()}]
    unsigned = write_realtime(at, infos, "hj1239", serial=1)
    r, s = sign(PRIVATE, CHIP.encode(), unsigned)
    data = write_realtime(at, infos, "hj1239", serial=1, signature={"r": r, "s": s})
    assert data[: len(unsigned)] == unsigned and len(data) == len(unsigned) + 66
    unit = read_unit(0x02, data)
    assert signature_status(data, unit.signature, public_key_of(PRIVATE), CHIP) == Signed.VERIFIED
    assert signature_status(data, unit.signature, None, None) == Signed.NO_KEY
    assert signature_status(unsigned, read_unit(0x02, unsigned).signature, public_key_of(PRIVATE), CHIP) == "unsigned"
    tampered = bytearray(data)
    tampered[20] ^= 1
    unit = read_unit(0x02, bytes(tampered))
    assert signature_status(bytes(tampered), unit.signature, public_key_of(PRIVATE), CHIP) == Signed.MISMATCH
