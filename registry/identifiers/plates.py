"""Chinese licence plates (GA 36-2018): normalisation and validation of plate text."""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from registry.common.text import without_format_characters

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
SUFFIXES = "挂学警港澳领"
COLOUR_PREFIXES = ("黄绿", "渐变绿", "蓝", "黄", "绿", "白", "黑")
_SERIAL = "A-HJ-NP-Z0-9"  # letters I and O never appear in a serial
_PATTERNS = (
    re.compile(f"^[{PROVINCES}][A-Z][{_SERIAL}]{{5}}$"),  # ordinary, 7 characters
    re.compile(f"^[{PROVINCES}][A-Z][{_SERIAL}]{{4}}[{SUFFIXES}]$"),  # trailer, coach, police...
    re.compile(f"^[{PROVINCES}][A-Z][DABCEFGHJK][{_SERIAL}][0-9]{{4}}$"),  # small new energy
    re.compile(f"^[{PROVINCES}][A-Z][0-9]{{5}}[DF]$"),  # large new energy
    re.compile(r"^使[0-9]{6}$"),  # embassy
)
_SEPARATORS = re.compile(r"[\s·•.\-_]")
# What cameras send for a vehicle without a plate (无牌车): AlarmInfoPlate `_无_`, Hikvision and Dahua
# words. Not a plate, and never normalised into one (`UNKNOWN` would become the plate-like `UNKN0WN`).
NO_PLATE_WORDS = frozenset({"_无_", "无", "无牌", "无牌车", "无车牌", "无号牌", "noplate", "nonplate", "no plate"})


class PlateColour(StrEnum):
    """The one internal plate colour vocabulary (号牌颜色)."""

    BLUE = "blue"
    YELLOW = "yellow"
    YELLOW_GREEN = "yellow_green"
    GREEN = "green"
    WHITE = "white"
    BLACK = "black"


LARGE_VEHICLE_COLOURS = frozenset({PlateColour.YELLOW, PlateColour.YELLOW_GREEN})


@lru_cache(maxsize=65536)  # pure, and called several times per read on the gate ingest path
def normalise_plate(text: str) -> str:
    """Canonical plate text: half-width, upper case, no separators or colour word, O->0, I->1."""
    plate = _SEPARATORS.sub("", unicodedata.normalize("NFKC", without_format_characters(text))).upper()
    for word in COLOUR_PREFIXES:
        if plate.startswith(word) and len(plate) > len(word) + 6:
            plate = plate[len(word) :]
            break
    if len(plate) > 2:
        plate = plate[:2] + plate[2:].replace("O", "0").replace("I", "1")
    return plate


@lru_cache(maxsize=65536)
def is_valid_plate(plate: str) -> bool:
    """True when normalised text has the shape of a Chinese plate."""
    return any(p.match(plate) for p in _PATTERNS)


def is_no_plate(text: str | None) -> bool:
    """True for a read that says the vehicle carries no plate (an empty read included)."""
    if text is None:
        return True
    word = without_format_characters(text).strip()
    return not word or word.lower() in NO_PLATE_WORDS


def is_plausible_read(text: str) -> bool:
    """Text a camera could have read off a plate: a valid plate once normalised, or a no-plate word.
    Decides whether a base64-looking plate field really was base64 (`QjI4ODRTQ1A=` is B2884SCP)."""
    return is_no_plate(text) or is_valid_plate(normalise_plate(text)) or _looks_like_a_plate(text)


_PLATE_LIKE = re.compile(f"^[{PROVINCES}使领警学挂港澳A-Z0-9·.\\s-]{{5,12}}$")


def _looks_like_a_plate(text: str) -> bool:
    """Plate-shaped characters (foreign or partly read plates included), not binary noise."""
    return bool(_PLATE_LIKE.match(unicodedata.normalize("NFKC", text).upper()))


def is_new_energy_plate(plate: str) -> bool:
    return len(plate) == 8 and is_valid_plate(plate)


# Characters cameras confuse (DOMAIN.md 6); I and O are already folded into 1 and 0.
LOOKALIKES = ("0DQ", "8B", "5S", "2Z")
_SWAPS = {ch: group.replace(ch, "") for group in LOOKALIKES for ch in group}


@lru_cache(maxsize=65536)
def lookalike_plates(plate: str) -> tuple[str, ...]:
    """Valid plates one look-alike character away from `plate` (serial positions only), sorted."""
    found = set()
    for index in range(2, len(plate)):
        for other in _SWAPS.get(plate[index], ""):
            candidate = plate[:index] + other + plate[index + 1 :]
            if is_valid_plate(candidate):
                found.add(candidate)
    return tuple(sorted(found))


@dataclass(frozen=True)
class ReadComparison:
    """The camera's read of a plate against a second read (the plate text recognised in the picture)."""

    agree: bool  # the same plate, or the same but for look-alike characters
    lookalike_only: bool  # they differ only in characters cameras confuse (0/D/Q, 8/B, 5/S, 2/Z)
    differences: int  # characters to change, insert or remove to make one the other (look-alikes count 0)


_FOLD = {ch: group[0] for group in LOOKALIKES for ch in group}


def _folded(plate: str) -> str:
    return "".join(_FOLD.get(ch, ch) for ch in plate)


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _without_province(plate: str) -> str:
    return plate[1:] if plate[:1] and plate[0] in PROVINCES else plate


def compare_reads(camera: str, picture: str, ignore_province: bool = False) -> ReadComparison:
    """Compare two reads of one plate after normalising both (号牌复核). With `ignore_province` the
    leading province character is left out: recognisers read the Chinese character least well."""
    a, b = normalise_plate(camera), normalise_plate(picture)
    if ignore_province:
        a, b = _without_province(a), _without_province(b)
    if a == b:
        return ReadComparison(True, False, 0)
    folded_a, folded_b = _folded(a), _folded(b)
    if folded_a == folded_b:
        return ReadComparison(True, True, 0)
    return ReadComparison(False, False, _edit_distance(folded_a, folded_b))
