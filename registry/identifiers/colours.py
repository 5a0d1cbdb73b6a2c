"""Every vendor's plate colour value mapped to the one internal vocabulary (PlateColour)."""

from registry.identifiers.plates import PlateColour

# JT/T 697.7-2014: 1 blue, 2 yellow, 3 black, 4 white, 5 green, 9 other;
# JT/T 415-2021 adds 93 yellow-green (large NEV) and 94 gradient green (small NEV).
JTT_CODES = {
    1: PlateColour.BLUE,
    2: PlateColour.YELLOW,
    3: PlateColour.BLACK,
    4: PlateColour.WHITE,
    5: PlateColour.GREEN,
    9: None,
    93: PlateColour.YELLOW_GREEN,
    94: PlateColour.GREEN,
}
# Hikvision ISAPI ANPR.plateColor and common words, English and Chinese.
WORDS = {
    "blue": PlateColour.BLUE,
    "yellow": PlateColour.YELLOW,
    "white": PlateColour.WHITE,
    "black": PlateColour.BLACK,
    "green": PlateColour.GREEN,
    "yellow_green": PlateColour.YELLOW_GREEN,
    "yellowgreen": PlateColour.YELLOW_GREEN,
    "newenergyyellowgreen": PlateColour.YELLOW_GREEN,
    "newenergygreen": PlateColour.GREEN,
    "gradientgreen": PlateColour.GREEN,
    "蓝": PlateColour.BLUE,
    "黄": PlateColour.YELLOW,
    "白": PlateColour.WHITE,
    "黑": PlateColour.BLACK,
    "绿": PlateColour.GREEN,
    "渐变绿": PlateColour.GREEN,
    "黄绿": PlateColour.YELLOW_GREEN,
}
UNKNOWN_WORDS = {"", "unknown", "other", "none", "未知", "其他"}


class UnknownColour(ValueError):
    """A vendor value that maps to no plate colour."""


def plate_colour(value) -> PlateColour | None:
    """The internal colour for a vendor's value (JT/T code, Hikvision string or word);
    None when the camera says it does not know; UnknownColour for anything else."""
    if value is None:
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        code = int(value)
        if code not in JTT_CODES:
            raise UnknownColour(f"unknown plate colour code {code}")
        return JTT_CODES[code]
    word = str(value).strip().lower().replace("-", "").replace(" ", "").removesuffix("色").removesuffix("牌")
    if word in UNKNOWN_WORDS:
        return None
    if word not in WORDS:
        raise UnknownColour(f"unknown plate colour {value!r}")
    return WORDS[word]


def vendor_colour(value, codes: dict | None = None) -> str | None:
    """A camera's colour value in the internal words, by the vendor's own code table when it has one;
    None for a value no table knows (the colour is unknown, the pass is kept)."""
    if codes is not None and str(value) in codes:
        return codes[str(value)]
    try:
        colour = plate_colour(value)
    except UnknownColour:
        return None
    return colour.value if colour else None
