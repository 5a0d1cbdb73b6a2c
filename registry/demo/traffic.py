"""The demo district's traffic: each truck works for its home firm — it comes in, is loaded for a while,
leaves, and is away on its delivery before it comes back; some also call at a customer's gate, driving
there in the time the distance takes. A few anomalies are put in on purpose, one of each, so that a
newcomer finds each feature with its evidence and a short review queue: a cloned plate (the same plate at a
far gate minutes after the truck entered its own), an unregistered truck, and whatever the registry's
trucks do by themselves (a China III truck at a power plant, a truck whose stage is unknown). While a
heavy-pollution alert stops a truck (its firm's grade and its stage), the truck stays home: the caller
says when (`quiet`). Pure: no Flask, no database; seeded, so a run is repeatable.

`speed` compresses the time spent in the plant and away (a demo at speed 30 shows an afternoon in ten
minutes); the drive between two firms always takes its real time, so that the cloned-plate check sees only
the clone put in on purpose."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

DRIVING_KMH = 40.0  # a loaded truck on the district's roads
UNREGISTERED_PLATE = "晋H88123"


@dataclass(frozen=True)
class Place:
    code: str  # the gate's code
    firm: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Truck:
    plate: str
    colour: str
    home: str  # the firm it works for
    visits: tuple[str, ...] = ()  # firms it also delivers to
    away_minutes: tuple[int, int] = (90, 240)  # out on a delivery between two visits home
    stay_minutes: tuple[int, int] = (20, 60)  # loading or unloading inside the plant


@dataclass(frozen=True, order=True)
class Read:
    at: datetime
    gate: str = field(compare=False)
    plate: str = field(compare=False)
    colour: str = field(compare=False)
    direction: str = field(compare=False)  # in, out
    anomaly: str = field(default="", compare=False)  # cloned, unregistered: put in on purpose


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine), as the cloned-plate check measures it."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlon = lat2 - lat1, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _drive(a: Place, b: Place) -> timedelta:
    return timedelta(hours=distance_km(a, b) / DRIVING_KMH) + timedelta(minutes=5)  # and the queue at the gate


def _quiet_until(at: datetime, windows: list[tuple[datetime, datetime]]) -> datetime | None:
    return next((end for start, end in windows if start <= at < end), None)


def truck_day(truck: Truck, places: dict[str, list[Place]], start: datetime, end: datetime, rng: random.Random,
              speed: float = 1.0, quiet: list[tuple[datetime, datetime]] | None = None) -> list[Read]:  # fmt: skip
    """One truck's reads from `start` to `end`: home and away, and now and then a customer's gate."""
    reads: list[Read] = []
    scaled = lambda low, high: timedelta(minutes=rng.uniform(low, high) / speed)  # noqa: E731
    at = start + scaled(0, truck.away_minutes[1])
    while at < end:
        held = _quiet_until(at, quiet or [])
        if held is not None:  # an alert stops this truck: it stays away until the alert is over
            at = held + scaled(10, 60)
            continue
        home = rng.choice(places[truck.home])
        reads.append(Read(at, home.code, truck.plate, truck.colour, "in"))
        at += scaled(*truck.stay_minutes)
        leaving = rng.choice(places[truck.home])
        reads.append(Read(at, leaving.code, truck.plate, truck.colour, "out"))
        if truck.visits and rng.random() < 0.5 and _quiet_until(at, quiet or []) is None:
            customer = rng.choice(places[rng.choice(truck.visits)])
            at += _drive(leaving, customer)
            reads.append(Read(at, customer.code, truck.plate, truck.colour, "in"))
            at += scaled(*truck.stay_minutes)
            reads.append(Read(at, customer.code, truck.plate, truck.colour, "out"))
            at += _drive(customer, places[truck.home][0])
        at += scaled(*truck.away_minutes)
    return [read for read in reads if read.at < end]


def schedule(trucks: list[Truck], places: list[Place], start: datetime, end: datetime, seed: int = 2021,
             speed: float = 1.0, quiet: dict[str, list[tuple[datetime, datetime]]] | None = None,
             anomalies: bool = True) -> list[Read]:  # fmt: skip
    """Every read of the district from `start` to `end`, in time order, with one of each anomaly."""
    rng = random.Random(seed)
    by_firm: dict[str, list[Place]] = {}
    for place in places:
        by_firm.setdefault(place.firm, []).append(place)
    reads = []
    for truck in trucks:
        if truck.home in by_firm:
            reads += truck_day(truck, by_firm, start, end, rng, speed, (quiet or {}).get(truck.plate))
    if anomalies:
        reads += _anomalies(reads, places, start, end, rng)
    return sorted(reads)


def _anomalies(
    reads: list[Read], places: list[Place], start: datetime, end: datetime, rng: random.Random
) -> list[Read]:
    """A cloned plate and an unregistered truck, each once, in the middle of the span."""
    extra = []
    middle = start + (end - start) / 2
    entries = [r for r in reads if r.direction == "in" and r.at >= middle and not r.anomaly]
    where = {p.code: p for p in places}
    if entries:
        seen = entries[0]
        far = max(places, key=lambda p: distance_km(where[seen.gate], p))
        if distance_km(where[seen.gate], far) >= 5:  # minutes apart, kilometres apart: not one truck
            extra.append(Read(seen.at + timedelta(minutes=3), far.code, seen.plate, seen.colour, "in", "cloned"))
    gate = rng.choice(places)
    extra.append(Read(middle + timedelta(minutes=7), gate.code, UNREGISTERED_PLATE, "yellow", "in", "unregistered"))
    return [read for read in extra if read.at < end]
