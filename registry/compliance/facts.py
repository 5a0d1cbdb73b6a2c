"""The database facts the rules need, loaded for a whole batch of reads in a few queries."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import bindparam, select

from registry.alerts.models import Alert, Exemption
from registry.alerts.services import alert_facts, covering
from registry.common.statements import one_of, prebuilt
from registry.common.time import local_date
from registry.compliance.sightings import passes_at_placed_gates, window_of
from registry.extensions import db
from registry.firms.models import Firm
from registry.identifiers.plates import is_valid_plate, lookalike_plates
from registry.policies.services import policies_in_force
from registry.rules import AlertFacts, FirmFacts, Policy, VehicleFacts
from registry.vehicles.models import Vehicle


def vehicle_facts(vehicle: Vehicle) -> VehicleFacts:
    return VehicleFacts(
        vehicle.plate,
        vehicle.plate_color.value,
        vehicle.emission_stage.value if vehicle.emission_stage else None,
        vehicle.fuel_type.value,
        vehicle.vehicle_class.value,
        vehicle.registration_date,
    )


def firm_facts(firm: Firm) -> FirmFacts:
    return FirmFacts(
        firm.id,
        firm.industry.value,
        firm.annual_freight_tonnes,
        firm.in_planning_area,
        firm.performance_grade.value,
        firm.region,
    )


@prebuilt
def _vehicles(dialect: str):
    return select(Vehicle).where(one_of(Vehicle.plate, "plates", dialect))


@prebuilt
def _alerts_between(_dialect: str):
    return select(Alert).where(Alert.starts_at <= bindparam("last"), Alert.ends_at > bindparam("first"))


@prebuilt
def _exemptions(dialect: str):
    return select(Exemption.plate, Exemption.alert_id).where(
        one_of(Exemption.plate, "plates", dialect), one_of(Exemption.alert_id, "alert_ids", dialect)
    )


class PolicyCache:
    """Policies in force per local day, kept for a few seconds across batches by a long-running
    process (the gateway): a policy added or revised takes effect within `seconds`."""

    def __init__(self, seconds: float = 5.0):
        self.seconds = seconds
        self._days: dict[date, tuple[float, list[Policy]]] = {}

    def get(self, day: date) -> list[Policy]:
        now = time.monotonic()
        cached = self._days.get(day)
        if cached is None or cached[0] < now:
            cached = (now + self.seconds, policies_in_force(day))
            self._days[day] = cached
        return cached[1]


class Facts:
    """Vehicles, alerts, exemptions and policies, each looked up once per batch."""

    def __init__(self, policy_cache: PolicyCache | None = None):
        self._vehicles: dict[str, Vehicle | None] = {}
        self._policy_cache = policy_cache
        self._policies: dict[date, list[Policy]] = {}
        self._alerts: list[AlertFacts] | None = None
        self._window: tuple[datetime, datetime] | None = None
        self._exempted: dict[str, set[int]] | None = None
        self._of_vehicles: dict[int, VehicleFacts] = {}
        self._of_firms: dict[int, FirmFacts] = {}
        # the batch's plates' passes at gates with coordinates, around the batch (CLONED_PLATE)
        self._placed: dict[str, list[tuple]] | None = None
        self._placed_span: tuple[datetime, datetime] | None = None

    def preload(self, plates: set[str], moments: list[datetime]) -> None:
        """Load what `plates` read at `moments` will need, in four queries."""
        valid = {p for p in plates if is_valid_plate(p)}
        wanted = valid | {alike for p in valid for alike in lookalike_plates(p)}
        self._load_vehicles(wanted)
        if moments:
            first, last = min(moments), max(moments)
            rows = db.session.scalars(_alerts_between(), {"first": first, "last": last})
            self._alerts = [alert_facts(a) for a in rows]
            self._window = (first, last)
            self._exempted = defaultdict(set)
            if self._alerts and valid:
                ids = [a.id for a in self._alerts]
                for plate, alert_id in db.session.execute(_exemptions(), {"plates": sorted(valid), "alert_ids": ids}):
                    self._exempted[plate].add(alert_id)
            self._preload_placed(valid, first, last)

    def _preload_placed(self, plates: set[str], first: datetime, last: datetime) -> None:
        policies = [p for day in {local_date(first), local_date(last)} for p in self.policies(day)]
        window = window_of(policies)
        if window is None or not plates:
            return
        self._placed = defaultdict(list)
        self._placed_span = (first - window, last + window)
        for row in passes_at_placed_gates(sorted(plates), *self._placed_span):
            self._placed[row[1]].append(row)

    def placed_passes(self, plate: str, start: datetime, end: datetime) -> list[tuple] | None:
        """The plate's passes at gates with coordinates between start and end, when the batch loaded
        them (None: not loaded, ask the database)."""
        span = self._placed_span
        if self._placed is None or span is None or start < span[0] or end > span[1]:
            return None
        return self._placed.get(plate, [])

    def _load_vehicles(self, plates: set[str]) -> None:
        missing = [p for p in plates if p not in self._vehicles]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            found = {v.plate: v for v in db.session.scalars(_vehicles(), {"plates": chunk})}
            for plate in chunk:
                self._vehicles[plate] = found.get(plate)

    def vehicle(self, plate: str) -> Vehicle | None:
        self._load_vehicles({plate})
        return self._vehicles[plate]

    def of_vehicle(self, vehicle: Vehicle) -> VehicleFacts:
        """The vehicle as the rules see it, built once per batch."""
        if vehicle.id not in self._of_vehicles:
            self._of_vehicles[vehicle.id] = vehicle_facts(vehicle)
        return self._of_vehicles[vehicle.id]

    def of_firm(self, firm: Firm) -> FirmFacts:
        """The firm as the rules see it, built once per batch."""
        if firm.id not in self._of_firms:
            self._of_firms[firm.id] = firm_facts(firm)
        return self._of_firms[firm.id]

    def registered_lookalikes(self, plate: str) -> list[str]:
        candidates = lookalike_plates(plate)
        self._load_vehicles(set(candidates))
        return [p for p in candidates if self._vehicles[p] is not None]

    def alerts_at(self, moment: datetime) -> list[AlertFacts]:
        """Alerts in force at `moment` (any region; the engine checks the region)."""
        if self._window and self._window[0] <= moment <= self._window[1]:
            return [a for a in self._alerts if a.starts_at <= moment < a.ends_at]
        return [alert_facts(a) for a in db.session.scalars(covering(moment))]

    def exempted(self, plate: str, alert_ids: list[int]) -> frozenset[int]:
        if not alert_ids:
            return frozenset()
        preloaded = {a.id for a in self._alerts or []}
        if self._exempted is not None and set(alert_ids) <= preloaded and is_valid_plate(plate):
            return frozenset(self._exempted.get(plate, set()) & set(alert_ids))
        rows = db.session.scalars(
            select(Exemption.alert_id).where(Exemption.plate == plate, Exemption.alert_id.in_(alert_ids))
        )
        return frozenset(rows)

    def policies(self, day: date) -> list[Policy]:
        if day not in self._policies:
            self._policies[day] = self._policy_cache.get(day) if self._policy_cache else policies_in_force(day)
        return self._policies[day]
