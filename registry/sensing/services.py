"""Recording remote-sensing results (pushed or imported) with their judgement, and finding them.

Each result is judged by the REMOTE_SENSING policy in force on its local day (registry.rules.sensing)
and keyed by station, time, lane and plate: a push sent again or a file imported again changes
nothing. A plate with a new exceedance is assessed again as a suspected high emitter. Flushes, never
commits."""

from __future__ import annotations

from dataclasses import dataclass, field

import marshmallow as ma
from sqlalchemy import select

from registry.common.errors import DomainError
from registry.common.i18n import t
from registry.common.services import add_audited, change_audited, ensure_unique
from registry.common.time import local_date, utcnow
from registry.emitters import services as emitters
from registry.extensions import db
from registry.policies.services import policy_in_force
from registry.rules.sensing import Measurement, judge
from registry.sensing.mapping import HEADERS, result_lines
from registry.sensing.models import SensingMapping, SensingResult
from registry.sensing.schemas import SensingResultInputSchema
from registry.stations.models import RoadsideStation
from registry.stations.pictures import keep_pictures
from registry.vehicles.models import Vehicle

RULE = "REMOTE_SENSING"
MEASURED = ("speed_kmh", "acceleration", "wind_speed", "temperature", "humidity", "opacity", "no_ppm", "hc_ppm",
            "co_percent", "ringelmann")  # fmt: skip
STORED = ("lane", "plate", "plate_color", "vehicle_type", "fuel", "speed_kmh", "acceleration", "wind_speed",
          "temperature", "humidity", "pressure", "opacity", "no_ppm", "co2_percent", "hc_ppm", "co_percent",
          "ringelmann", "pictures", "station_valid", "station_result")  # fmt: skip


@dataclass
class Imported:
    """What an import did: rows kept, rows already kept, and each bad line with its messages."""

    created: int = 0
    duplicates: int = 0
    over: int = 0
    invalid: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class PolicyDays(dict):
    """The REMOTE_SENSING policy in force on each local day asked about (None: none)."""

    def __missing__(self, day):
        policy = policy_in_force(RULE, day)
        self[day] = policy
        return policy


def record_results(station: RoadsideStation, items: list[dict], source: str, source_name: str | None = None,
                   lines: list[int] | None = None) -> list[tuple[SensingResult, bool]]:  # fmt: skip
    """Store checked result items of one station, each judged; (row, created) for each, in order."""
    if not items:
        return []
    kept = _kept(station, items)
    plates = sorted({item["plate"] for item in items if item["plate"]})
    vehicles = {v.plate: v for v in db.session.scalars(select(Vehicle).where(Vehicle.plate.in_(plates)))}
    policies, answered, over_plates, now = PolicyDays(), [], set(), utcnow()
    for index, item in enumerate(items):
        key = (item["measured_at"], item.get("lane") or "", item["plate"])
        if key in kept:
            answered.append((kept[key], False))  # the kept row's id, its row read below
            continue
        vehicle = vehicles.get(item["plate"])
        fuel = item.get("fuel") or (vehicle.fuel_type.value if vehicle is not None else None)
        policy = policies[local_date(item["measured_at"])]
        measurement = Measurement(item["plate"], fuel, item.get("station_valid"),
                                  **{name: item.get(name) for name in MEASURED})  # fmt: skip
        judgement = judge(measurement, policy.params if policy else None)
        row = SensingResult(
            station_id=station.id, measured_at=item["measured_at"],
            **{name: item.get(name) for name in STORED}, valid=judgement.valid, reasons=list(judgement.reasons),
            exceeded=list(judgement.exceeded), judged={k: list(v) for k, v in judgement.judged.items()},
            policy_id=policy.id if policy else None, vehicle_id=vehicle.id if vehicle else None, source=source,
            source_name=source_name, source_line=lines[index] if lines else None, received_at=now,
        )  # fmt: skip
        row.lane, row.fuel = row.lane or "", fuel
        row.pictures = keep_pictures(item.get("pictures") or [])
        db.session.add(row)
        kept[key] = row  # the same result twice in one push is kept once
        answered.append((row, True))
        if judgement.exceeded and row.plate:
            over_plates.add(row.plate)
    db.session.flush()
    if over_plates:
        emitters.reassess(sorted(over_plates), now)
    return _with_rows(answered)


def _kept(station: RoadsideStation, items: list[dict]) -> dict[tuple, int]:
    """The results of these items already kept, by key (time, lane, plate) -> id: keys only, so that a
    month's file imported again reads no rows."""
    moments = [item["measured_at"] for item in items]
    query = select(SensingResult.id, SensingResult.measured_at, SensingResult.lane, SensingResult.plate).where(
        SensingResult.station_id == station.id,
        SensingResult.measured_at >= min(moments),
        SensingResult.measured_at <= max(moments),
    )
    return {(at, lane, plate): result_id for result_id, at, lane, plate in db.session.execute(query)}


def _with_rows(answered: list[tuple]) -> list[tuple[SensingResult, bool]]:
    """Each answer with its row: the kept ones' read in one statement a thousand."""
    ids = sorted({row for row, created in answered if not created and isinstance(row, int)})
    rows = {}
    for start in range(0, len(ids), 1000):
        query = select(SensingResult).where(SensingResult.id.in_(ids[start : start + 1000]))
        rows |= {row.id: row for row in db.session.scalars(query)}
    return [(rows.get(row, row) if isinstance(row, int) else row, created) for row, created in answered]


def import_results(station: RoadsideStation, data: bytes, filename: str, mapping: SensingMapping | None) -> Imported:
    """A station software's CSV or XLSX: every good line kept, each bad one named with its line number.
    A line naming another station (its 站点编号 column) is refused: import each station's file on its own."""
    columns = mapping.columns if mapping is not None else None
    time_format = mapping.time_format if mapping is not None else None
    report, items, lines = Imported(), [], []
    schema = SensingResultInputSchema()
    for line, raw in result_lines(data, columns, time_format):
        try:
            item = schema.load(raw)
        except ma.ValidationError as exc:
            report.errors.append((line, _messages(exc.messages)))
            continue
        if item.get("station") and item.pop("station") != station.code:
            report.errors.append((line, t("站点编号与所选站点不符", "the station code is not the station chosen")))
            continue
        items.append(item)
        lines.append(line)
    for row, created in record_results(station, items, "import", filename[:200] or None, lines):
        if not created:
            report.duplicates += 1
            continue
        report.created += 1
        report.over += bool(row.valid and row.exceeded)
        report.invalid += not row.valid
    return report


def _messages(messages: dict) -> str:
    return "；".join(f"{name}: {' '.join(map(str, text if isinstance(text, list) else [text]))}"
                    for name, text in messages.items())  # fmt: skip


def results_query(args: dict, own_firm: int | None = None):
    """Results newest first, by plate, station, and over a limit or not; a firm's own trucks only."""
    query = select(SensingResult).order_by(SensingResult.measured_at.desc(), SensingResult.id.desc())
    if args.get("plate"):
        query = query.where(SensingResult.plate == args["plate"].strip().upper())
    if args.get("station"):
        query = query.join(RoadsideStation).where(RoadsideStation.code == args["station"])
    if args.get("over") is True:
        query = query.where(SensingResult.valid.is_(True), SensingResult.exceeded != [])
    if args.get("valid") is False:
        query = query.where(SensingResult.valid.is_(False))
    if own_firm is not None:
        query = query.join(Vehicle, Vehicle.id == SensingResult.vehicle_id).where(Vehicle.firm_id == own_firm)
    return query


def save_mapping(actor, data: dict, mapping: SensingMapping | None = None) -> SensingMapping:
    """A vendor's column mapping, created or changed (audited)."""
    known = set(HEADERS)
    unknown = [name for name in data.get("columns", {}) if name not in known]
    if unknown:
        raise DomainError(t(f"未知字段：{'、'.join(unknown)}", f"unknown fields: {', '.join(unknown)}"), "columns")
    ensure_unique(SensingMapping, SensingMapping.name, data["name"], "name", "映射名称", "mapping name",
                  mapping.id if mapping else None)  # fmt: skip
    if mapping is None:
        return add_audited(actor, SensingMapping(**data), "sensing_mapping", _mapping_snapshot)
    return change_audited(actor, mapping, data, "sensing_mapping", _mapping_snapshot)


def _mapping_snapshot(mapping: SensingMapping) -> dict:
    return {"name": mapping.name, "vendor": mapping.vendor, "columns": mapping.columns,
            "time_format": mapping.time_format}  # fmt: skip
