"""Terminals played for the demo, the simulator and the benchmark, pure: a truck's realistic 10-second
frames, built with the protocol's own encoder (registry.obd.protocol), seeded so that a run repeats.

A truck drives loops around its home at town speeds with its engine, NOx, SCR temperatures, urea and
fuel moving as they do; a profile makes one misbehave on purpose: `low_urea` (its tank nearly empty),
`mil` (its lamp on with a fault code, its SCR converting poorly), `silent` (it stopped sending days ago)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from registry.obd.protocol.frames import Command, Frame
from registry.obd.protocol.units import Info, write_realtime, write_unit

PROFILES = ("normal", "low_urea", "mil", "silent")
SAMPLES = 10  # a frame: ten 1 Hz samples


@dataclass
class PlayedTruck:
    """A terminal's truck and what it has done so far (its serials, odometer, urea tank, place on the loop)."""

    vin: str
    home: tuple[float, float]  # latitude, longitude
    profile: str = "normal"
    layout: str = "gb17691"
    seed: int = 0
    serial: int = 0
    odometer_km: float = 12_000.0
    urea: float = 60.0
    angle: float = 0.0
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self):
        self.rng = random.Random(f"{self.vin}-{self.seed}")
        self.angle = self.rng.uniform(0, 2 * math.pi)
        if self.profile == "low_urea":
            self.urea = 7.5

    def login(self, at: datetime, number: int = 1) -> bytes:
        unit = write_unit(Command.LOGIN, time=at, serial=number, iccid=f"8986{self.rng.randrange(10**15):016d}")
        return Frame(Command.LOGIN, self.vin, unit).encode()

    def frame(self, at: datetime, command: int = Command.REALTIME) -> bytes:
        """The frame of the ten seconds starting at `at` (command 0x02, or 0x03 for a resend)."""
        samples = [self._sample(at + timedelta(seconds=n)) for n in range(SAMPLES)]
        self.serial = self.serial % 65000 + 1
        if self.layout == "hj1239":
            infos = [{"type": Info.OBD, "collected_at": at, "body": self._obd()}]
            infos += [{"type": Info.DIESEL, "collected_at": at + timedelta(seconds=n), "body": s}
                      for n, s in enumerate(samples)]  # fmt: skip
            data = write_realtime(at, infos, "hj1239", serial=self.serial)
        else:
            infos = [{"type": Info.OBD, "serial": self.serial, "body": self._obd()}]
            infos += [{"type": Info.DIESEL, "serial": self.serial, "body": s} for s in samples]
            data = write_realtime(at, infos, "gb17691")
        return Frame(command, self.vin, data).encode()

    def _obd(self) -> dict:
        codes = [0x0F1A0B04] if self.profile == "mil" else []
        return {"protocol": 2, "mil": 1 if self.profile == "mil" else 0, "diagnosis_support": 0xFFFF,
                "readiness": 0, "vin": self.vin, "calid": b"DEMO-CALID-000001\x00", "cvn": b"\x00" * 18,
                "iupr": b"\x00" * 36, "fault_count": len(codes), "fault_codes": codes}  # fmt: skip

    def _sample(self, at: datetime) -> dict:
        rng = self.rng
        minute = at.hour * 60 + at.minute
        speed = max(0.0, 38 + 22 * math.sin(minute / 9.0) + rng.uniform(-4, 4))  # km/h
        rpm = 650 + speed * 22 + rng.uniform(-30, 30)
        self.odometer_km += speed / 3600
        self.angle += speed / 3600 / 3.0  # a loop of about 19 km
        lat = self.home[0] + 0.03 * math.sin(self.angle)
        lon = self.home[1] + 0.04 * math.cos(self.angle)
        nox_up = 350 + speed * 4 + rng.uniform(-40, 40)
        conversion = 0.35 if self.profile == "mil" else 0.92
        nox_down = nox_up * (1 - conversion) + rng.uniform(0, 8)
        self.urea = max(1.0, self.urea - speed * 0.000008)  # about 1 % an hour at town speeds
        scr_in = 180 + min(speed, 60) * 3.2 + rng.uniform(-5, 5)
        return {
            "speed": round(speed * 256), "barometric_pressure": 180, "net_torque": 125 + int(speed),
            "friction_torque": 130, "engine_speed": round(rpm * 8), "fuel_flow": round((4 + speed / 3) / 0.05),
            "nox_upstream": round((nox_up + 200) / 0.05), "nox_downstream": round((nox_down + 200) / 0.05),
            "urea_level": round(self.urea / 0.4), "intake_air_flow": round((300 + speed * 12) / 0.05),
            "scr_inlet_temperature": round((scr_in + 273) * 32),
            "scr_outlet_temperature": round((scr_in - 8 + 273) * 32),
            "dpf_pressure_difference": round((3 + speed / 20) * 10), "coolant_temperature": 125, "fuel_level": 180,
            "positioning": 0, "longitude": round(lon * 1e6), "latitude": round(lat * 1e6),
            "odometer": round(self.odometer_km * 10),
        }  # fmt: skip


def driving(at: datetime) -> bool:
    """Whether a demo truck is on the road at this local hour (a working day, 6:00 to 22:00)."""
    return 6 <= at.hour < 22
