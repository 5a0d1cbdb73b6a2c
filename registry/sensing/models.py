"""A vendor's column mapping, and each remote-sensing result with its judgement.

A result is keyed by station, lane, time and plate, so a push sent twice, or a file imported again,
finds its row kept. The judgement (valid or not, each pollutant within or over its limit, and why)
is the policy's in force at the measurement, named by `policy_id`, and kept with the row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.audit.models import JSONDocument, OptionalJSONDocument
from registry.common.models import BigId, Timestamps, UTCDateTime
from registry.common.time import utcnow
from registry.extensions import db
from registry.stations.models import RoadsideStation


class SensingMapping(Timestamps, db.Model):
    """How one vendor's export names its columns: the product's field -> the header the file uses."""

    __tablename__ = "sensing_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    vendor: Mapped[str] = mapped_column(String(100))
    columns: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    # how the file writes a time when it is not ISO 8601 (strptime), e.g. "%Y/%m/%d %H:%M:%S"
    time_format: Mapped[str | None] = mapped_column(String(40))


class SensingResult(db.Model):
    __tablename__ = "sensing_results"
    __table_args__ = (
        UniqueConstraint("station_id", "measured_at", "lane", "plate", name="uq_sensing_results_reading"),
        Index("ix_sensing_results_plate_time", "plate", "measured_at"),
        Index("ix_sensing_results_time", "measured_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("roadside_stations.id"))
    lane: Mapped[str] = mapped_column(String(8), default="")
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    plate: Mapped[str] = mapped_column(String(16))  # normalised; empty when the station read none
    plate_color: Mapped[str | None] = mapped_column(String(16))
    vehicle_type: Mapped[str | None] = mapped_column(String(40))  # the station's own word
    fuel: Mapped[str | None] = mapped_column(String(12))  # diesel, petrol, gas, ...
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    acceleration: Mapped[float | None] = mapped_column(Float)  # m/s²
    wind_speed: Mapped[float | None] = mapped_column(Float)  # m/s
    temperature: Mapped[float | None] = mapped_column(Float)  # °C
    humidity: Mapped[float | None] = mapped_column(Float)  # %
    pressure: Mapped[float | None] = mapped_column(Float)  # kPa
    opacity: Mapped[float | None] = mapped_column(Float)  # 不透光度 %
    no_ppm: Mapped[float | None] = mapped_column(Float)
    co2_percent: Mapped[float | None] = mapped_column(Float)
    hc_ppm: Mapped[float | None] = mapped_column(Float)
    co_percent: Mapped[float | None] = mapped_column(Float)
    ringelmann: Mapped[int | None] = mapped_column(SmallInteger)  # 林格曼黑度 0-5
    pictures: Mapped[list | None] = mapped_column(OptionalJSONDocument)  # references as sent
    station_valid: Mapped[bool | None] = mapped_column(Boolean)  # the station's own validity flag
    station_result: Mapped[str | None] = mapped_column(String(40))  # the station's own verdict, as sent
    # the judgement under the policy in force (registry.rules.sensing)
    valid: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list] = mapped_column(JSONDocument, default=list)  # why invalid: codes
    exceeded: Mapped[list] = mapped_column(JSONDocument, default=list)  # the pollutants over their limits
    judged: Mapped[dict] = mapped_column(JSONDocument, default=dict)  # pollutant -> [value, limit]
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id"))
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"), index=True)
    source: Mapped[str] = mapped_column(String(8))  # push, import
    source_name: Mapped[str | None] = mapped_column(String(200))  # the imported file's name
    source_line: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    station: Mapped[RoadsideStation] = relationship()

    @property
    def over(self) -> bool:
        return self.valid and bool(self.exceeded)
