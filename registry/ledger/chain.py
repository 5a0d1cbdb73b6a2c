"""The chain's arithmetic, pure: what a ledger row is for hashing, a set of rows' digest, and a link's.

A row is what the gate recorded of the pass and the ledger shows: its number (the pass id), the local
time to the second, the direction, the plate and the gate's code, joined as text. A day's digest is the
SHA-256 of its rows in (time, number) order, one per line; a link's digest covers the previous link's
digest and everything the link states, so no link can change without every later one changing too."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from registry.common.time import LOCAL_TZ

GENESIS = "0" * 64  # the previous digest of a firm's first link


@dataclass(frozen=True, order=True)
class Row:
    at: str  # local time, yyyymmddHHMMSS (the guide's layout without the space)
    number: int  # the pass id
    direction: str  # in, out
    plate: str  # "" for a vehicle without a plate
    gate: str  # the gate's code

    def text(self) -> str:
        return "|".join((str(self.number), self.at, self.direction, self.plate, self.gate))


def local_stamp(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y%m%d%H%M%S")


def moment_text(moment: datetime) -> str:
    """A moment as the chain writes it: UTC, to the microsecond (the same after any database's round trip)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rows_digest(rows) -> tuple[int, str]:
    """How many rows and their digest, in (time, number) order whatever order they come in."""
    ordered = sorted(rows)
    digest = hashlib.sha256()
    for row in ordered:
        digest.update(row.text().encode() + b"\n")
    return len(ordered), digest.hexdigest()


@dataclass(frozen=True)
class Link:
    """One link of a firm's chain: a day's rows received up to a moment (kind `day`), or the rows of an
    already sealed day received since its last link (kind `amendment`: a camera's late backlog)."""

    firm_id: int
    day: date
    kind: str
    received_after: datetime | None
    received_until: datetime
    row_count: int
    rows_digest: str
    day_count: int  # every row of the day sealed so far, this link's included
    day_digest: str
    previous_digest: str

    def digest(self) -> str:
        after = moment_text(self.received_after) if self.received_after else ""
        parts = (
            self.previous_digest,
            str(self.firm_id),
            self.day.isoformat(),
            self.kind,
            after,
            moment_text(self.received_until),
            str(self.row_count),
            self.rows_digest,
            str(self.day_count),
            self.day_digest,
        )
        return hashlib.sha256("|".join(parts).encode()).hexdigest()
