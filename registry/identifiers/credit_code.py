"""Unified social credit code (统一社会信用代码), GB 32100-2015."""

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SHAPE = re.compile(f"^[{ALPHABET}]{{18}}$")


def normalise_credit_code(text: str) -> str:
    return text.strip().upper()


def is_well_formed(code: str) -> bool:
    """18 characters over the GB 32100 alphabet (the check character aside)."""
    return bool(_SHAPE.match(code))


def check_character(code: str) -> str:
    """The check character GB 32100 computes for the first 17 characters."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(code[:17], WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def has_valid_check(code: str) -> bool:
    """True when the 18th character matches; early pilot codes may legally fail this."""
    return is_well_formed(code) and check_character(code) == code[17]
