"""Machinery registration codes as people type them. Pure: no Flask, no database.

The national layout is unconfirmed (DOMAIN.md 5), so a code is never parsed; but an inspector reading
a label aloud, or typing it on a phone, adds spaces and hyphens, full-width digits and lower case.
"""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−_·.]")


def compact_code(text: str) -> str:
    """The code without separators, half-width and upper case: 14090220 26000004 -> 1409022026000004."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
