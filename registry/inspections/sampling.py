"""Drawing the sample and checking a ledger row's fields: pure functions, no Flask.

The sample is the `size` pass ids with the smallest SHA-256 of "<seed>:<id>". The draw needs nothing but
the seed and the population, in no particular order, and is the same in any language or version (the
order of Python's `random.sample` is not promised across versions); a firm or a court can repeat it."""

import hashlib
import re

STAGE_CODES = frozenset("0123456D")  # the guide's char-1 codes (DOMAIN.md 4)
LEDGER_TIME = re.compile(r"\d{8} \d{6}")
VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")

# Table 3's fields an inspector checks for completeness and format (DOMAIN.md 4), in the guide's order.
CHECKED_FIELDS = ("time", "plate", "registration_date", "vin", "engine_no", "emission_stage", "documents")


def rank(seed: int, pass_id: int) -> bytes:
    return hashlib.sha256(f"{seed}:{pass_id}".encode()).digest()


def draw(population: list[int], size: int, seed: int) -> list[int]:
    """The sample of `population` (pass ids) for `seed`, in ascending id order."""
    return sorted(sorted(set(population), key=lambda pass_id: rank(seed, pass_id))[:size])


def ledger_gaps(row: dict) -> list[str]:
    """The checked fields of a ledger row (registry.uplink.records' `ledger`) missing or malformed."""
    gaps = []
    for field in CHECKED_FIELDS:
        value = row.get(field)
        if field == "time":
            bad = not (isinstance(value, str) and LEDGER_TIME.fullmatch(value))
        elif field == "registration_date":
            bad = not (isinstance(value, str) and re.fullmatch(r"\d{8}", value))
        elif field == "vin":
            bad = not (isinstance(value, str) and VIN.fullmatch(value))
        elif field == "emission_stage":
            bad = value not in STAGE_CODES
        elif field == "plate":
            bad = not value or len(value) > 10
        elif field == "engine_no":
            bad = not value or len(value) > 32
        else:
            bad = not value
        if bad:
            gaps.append(field)
    return gaps
