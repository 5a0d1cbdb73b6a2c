"""Raw fields as measurements: resolution, offset, and whether the value can be trusted.

Each field has its resolution and offset (DOMAIN.md section 8) and the range a valid raw value may take.
As in SAE J1939, whose conventions the standards follow, the top of each width is reserved: above 250
(one byte), 64,255 (two) or 4,211,081,215 (four) a value is an error or "not available" marker (all ones:
invalid). Real frames also carry values outside the field's own physical range (0xFEFF in a temperature,
a urea level of 102 %): such a value is kept as received, marked invalid, and never used."""

from __future__ import annotations

from dataclasses import dataclass

TOP = {1: 0xFA, 2: 0xFAFF, 4: 0xFAFFFFFF}  # the largest valid raw value by width (J1939)


@dataclass(frozen=True)
class Field:
    width: int
    resolution: float
    offset: float = 0.0
    low: float | None = None  # the physical range, where the field has one of its own
    high: float | None = None

    def value(self, raw: int) -> float | None:
        """The measurement, or None when the raw value is a marker or out of range."""
        if raw > TOP[self.width]:
            return None
        value = raw * self.resolution + self.offset
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            return None
        return round(value, 6)


PERCENT = Field(1, 0.4, low=0, high=100)
TEMPERATURE = Field(2, 0.03125, -273)
DIESEL_FIELDS = {
    "speed": Field(2, 1 / 256, high=250.996),  # km/h
    "barometric_pressure": Field(1, 0.5, high=125),  # kPa
    "net_torque": Field(1, 1, -125, -125, 125),  # % of reference torque
    "friction_torque": Field(1, 1, -125, -125, 125),
    "engine_speed": Field(2, 0.125, high=8031.875),  # rpm
    "fuel_flow": Field(2, 0.05, high=3212.75),  # L/h
    "nox_upstream": Field(2, 0.05, -200, -200, 3012.75),  # ppm
    "nox_downstream": Field(2, 0.05, -200, -200, 3012.75),
    "urea_level": PERCENT,
    "intake_air_flow": Field(2, 0.05, high=3212.75),  # kg/h
    "scr_inlet_temperature": TEMPERATURE,  # °C
    "scr_outlet_temperature": TEMPERATURE,
    "dpf_pressure_difference": Field(2, 0.1, high=6425.5),  # kPa
    "coolant_temperature": Field(1, 1, -40, -40, 210),  # °C
    "fuel_level": PERCENT,
    "odometer": Field(4, 0.1),  # km
}
SUPPLEMENT_FIELDS = {
    "accelerator": PERCENT,
    "total_fuel": Field(4, 0.5),  # L: the unit is not confirmed (docs/obd.md)
    "urea_temperature": Field(1, 1, -40, -40, 210),
    "urea_dosing": Field(4, 0.01),  # the unit is not confirmed
    "urea_total": Field(4, 0.01),
    "dpf_exhaust_temperature": TEMPERATURE,
}
HYBRID_FIELDS = {
    "motor_speed": Field(2, 1, high=64255),
    "motor_load": Field(1, 1, high=250),
    "battery_voltage": Field(2, 0.1),
    "battery_current": Field(2, 0.1, -1000, -1000, 1000),
    "state_of_charge": Field(1, 0.4, low=0, high=100),
}


def measured(body, fields: dict[str, Field]) -> dict[str, float | None]:
    """A body's fields as measurements (None: invalid)."""
    return {name: field.value(body[name]) for name, field in fields.items()}


@dataclass(frozen=True)
class Position:
    longitude: float | None  # degrees east (negative: west), WGS-84
    latitude: float | None
    valid: bool


def position(positioning: int, longitude: int, latitude: int) -> Position:
    """Bit 0 of `positioning`: no valid fix; bit 1: south; bit 2: west. Degrees are millionths."""
    lon, lat = longitude / 1e6, latitude / 1e6
    if positioning & 0x01 or longitude > 180_000_000 or latitude > 90_000_000:
        return Position(None, None, False)
    return Position(-lon if positioning & 0x04 else lon, -lat if positioning & 0x02 else lat, True)


def mil(raw: int) -> bool | None:
    """The malfunction indicator lamp: on, off, or None (0xFE, or anything else: not known)."""
    return {0: False, 1: True}.get(raw)


def fault_codes(body) -> list[str] | None:
    """The fault codes as 8 hex digits each (SPN and FMI packed as the terminal sends them); None when
    the count is invalid."""
    if body.fault_count == 0xFE:
        return None
    return [f"{code:08X}" for code in body.fault_codes]
