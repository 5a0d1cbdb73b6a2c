"""Vehicle identification number (车辆识别代号), GB 16735-2019: position 9 is a check digit."""

import re

_SHAPE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_VALUES = (
    {str(d): d for d in range(10)}
    | dict(zip("ABCDEFGH", range(1, 9), strict=True))
    | dict(zip("JKLMN", range(1, 6), strict=True))
    | {"P": 7, "R": 9}
    | dict(zip("STUVWXYZ", range(2, 10), strict=True))
)
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def normalise_vin(text: str) -> str:
    return "".join(text.split()).upper()


def check_digit(vin: str) -> str:
    total = sum(_VALUES[ch] * w for ch, w in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_problems(vin: str) -> tuple[str, str] | None:
    """Why a (normalised) VIN is invalid, naming the position a person must look at, as (Chinese,
    English); None when it is valid."""
    if len(vin) != 17:
        return f"应为 17 位，现为 {len(vin)} 位", f"must be 17 characters, got {len(vin)}"
    bad = [(n, ch) for n, ch in enumerate(vin, 1) if ch not in _VALUES]
    if bad:
        where = "、".join(f"第 {n} 位“{ch}”" for n, ch in bad)
        where_en = ", ".join(f"position {n} '{ch}'" for n, ch in bad)
        return (
            f"{where}不可用：只能是数字和除 I、O、Q 以外的字母（O 多为数字 0，I 多为数字 1）",
            f"{where_en}: only digits and letters other than I, O and Q are allowed",
        )
    expected = check_digit(vin)
    if vin[8] != expected:
        return (
            f"第 9 位校验位为“{vin[8]}”，按其余各位应为“{expected}”：请逐位核对行驶证上的车辆识别代号",
            f"check digit (position 9) is {vin[8]}, expected {expected}",
        )
    return None


def vin_problem(vin: str) -> str | None:
    """Why a (normalised) VIN is invalid (English), or None when it is valid."""
    problems = vin_problems(vin)
    return problems[1] if problems else None
