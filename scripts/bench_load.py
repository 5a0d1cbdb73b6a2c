"""The load the gate benchmarks offer: a district's fleet of registered trucks of every stage and fuel, and
reads of them as its gate cameras send them, with the demo's orange alert in force.

- FLEET registered trucks (晋K00000...), stages as a district's mix (China III to VI, new energy, a few
  with no stage), diesel and gas, heavy trucks and tractors; a fifth of the reads are trucks the registry
  has never seen (晋L..., each once);
- every read a distinct pass at one of the demo district's gates, in either direction, except that every
  fifth read is a second read of the pass before (2 s later): it merges into it;
- camera times inside the demo's orange alert (it started two hours before the seed), so that the
  staggered-transport rule is judged for every read.

Used by scripts/bench_gateway.py (over MQTT) and scripts/bench_store_batch.py (in process)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

FLEET = 30_000  # trucks: a plate comes back only after more reads than the merge window holds at 500/s
STAGES = ["6"] * 50 + ["5"] * 25 + ["4"] * 10 + ["3"] * 5 + ["D"] * 5 + [None] * 5  # percent


def fleet_plate(n: int) -> str:
    return f"晋K{n:05d}"


def fleet(count: int = FLEET, seed: int = 28) -> list[dict]:
    """The district's trucks as they are registered (the same for every run)."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        stage = rng.choice(STAGES)
        fuel = "electric" if stage == "D" else ("gas" if rng.random() < 0.15 else "diesel")
        rows.append(
            {
                "plate": fleet_plate(n),
                "colour": "yellow_green" if stage == "D" else "yellow",
                "stage": stage,
                "fuel": fuel,
                "class": "tractor" if rng.random() < 0.3 else "heavy_truck",
                "registered": datetime(2014 + n % 10, 1 + n % 12, 1).date(),
            }
        )
    return rows


def register_fleet(url: str, rows: list[dict]) -> None:
    """Register the fleet, a thousand trucks a statement (no VIN: none is needed)."""
    insert = text(
        "INSERT INTO vehicles (plate, plate_color, emission_stage, stage_source, fuel_type, vehicle_class, "
        "registration_date, owner, created_at, updated_at) VALUES (:plate, :colour, :stage, 'declared', :fuel, "
        ":class, :registered, '车队', now(), now())"
    )
    engine = create_engine(url)
    with engine.begin() as connection:
        for start in range(0, len(rows), 1000):
            connection.execute(insert, rows[start : start + 1000])
    engine.dispose()


class Reads:
    """Reads as the district's cameras send them, one after another."""

    def __init__(self, gates: list[str], trucks: list[dict], seed: int = 28, prefix: str = "bench"):
        self.gates, self.rng, self.prefix = sorted(gates), random.Random(seed), prefix
        self.trucks = trucks
        self.order = list(range(len(trucks)))
        self.rng.shuffle(self.order)
        self.count = self.unregistered = 0
        self.last: tuple[str, dict] | None = None

    def next(self, at: datetime) -> tuple[str, dict]:
        """(gate code, event) of the next read, taken at `at` (a repeat takes the pass's time + 2 s)."""
        n, self.count = self.count, self.count + 1
        if n % 5 == 4 and self.last is not None:
            gate, body = self.last
            when = datetime.fromisoformat(body["captured_at"]) + timedelta(seconds=2)
            return gate, body | {"event_id": f"{self.prefix}-{n:08d}", "captured_at": when.isoformat()}
        if self.rng.random() < 0.2:
            self.unregistered += 1
            plate, colour = f"晋L{self.unregistered % 100000:05d}", "yellow"
        else:
            truck = self.trucks[self.order[n % len(self.trucks)]]
            plate, colour = truck["plate"], truck["colour"]
        body = {
            "event_id": f"{self.prefix}-{n:08d}",
            "plate": plate,
            "plate_color": colour,
            "direction": self.rng.choice(("in", "out")),
            "captured_at": at.astimezone(UTC).isoformat(),
            "confidence": round(self.rng.uniform(0.85, 0.99), 2),
            "vehicle_type": "truck",
        }
        self.last = (self.rng.choice(self.gates), body)
        return self.last

    def backlog(self, count: int, end: datetime, spacing: timedelta) -> list[tuple[str, dict]]:
        """`count` reads ending at `end`, `spacing` apart (a gateway's queue after it was stopped)."""
        start = end - spacing * count
        return [self.next(start + spacing * i) for i in range(count)]
