"""The demo district's roadside (天地车人, the road): two police checkpoints on the ring road enforcing the
built-up area's autumn-winter night ban on transit China IV trucks, a remote-sensing station and a
black-smoke camera on 忻州大道, a vendor's column mapping, an electronic pass, and their recent records,
all through the services real stations and cameras go through: a truck twice over its opacity limit (a
suspected high emitter), a capture confirmed and one still 待审核, and checkpoint reads that make a
police case, pass on a permit, and pass as a local China VI truck. scripts/simulate_roadside.py plays
the stations and checkpoints live under `make run`."""

from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from registry.common.time import LOCAL_TZ, utcnow
from registry.demo.pictures import plate_jpeg, truck_picture
from registry.events.schemas import GateEventSchema
from registry.extensions import db
from registry.gates.models import Gate
from registry.gates.services import create_gate
from registry.ingest import Arrival, record_plate_events
from registry.sensing.models import SensingMapping
from registry.sensing.services import record_results
from registry.smoke.services import record_captures, review_capture
from registry.stations.models import RoadsideStation
from registry.stations.services import register_station
from registry.vehicles.schemas import VehicleInputSchema
from registry.vehicles.services import create_vehicle
from registry.zones.services import issue_permit, save_zone

# the built-up area inside the ring road (approximate, for the demo), corners as (longitude, latitude)
RING_ROAD = [[112.700, 38.385], [112.765, 38.380], [112.790, 38.420], [112.760, 38.445], [112.705, 38.438]]
CHECKPOINTS = [("建设北路卡口", 38.4335, 112.7400), ("和平东街卡口", 38.4080, 112.7800)]
STATIONS = [
    ("remote_sensing", "忻州大道遥感监测点", "忻州大道 东向西", 38.4010, 112.7310),
    ("black_smoke", "长征街黑烟抓拍点", "长征街 南向北", 38.4150, 112.7560),
]
TRANSIT = [  # plate, colour, stage, fuel, class: trucks from elsewhere the checkpoints see
    ("冀A40004", "yellow", "4", "diesel", "heavy_truck"),
    ("豫A30003", "yellow", "3", "diesel", "tractor"),
]
PERMITTED = "冀A40004"  # holds an electronic pass for its deliveries
SUSPECT = "晋H20001"  # twice over its opacity limit within six months
SMOKER = "晋H30001"  # a black-smoke capture, confirmed
STORIED = "晋H10001"  # a China VI truck with a terminal: gate passes, a checkpoint pass, a result, a capture


def seed_roadside(officer, police) -> dict[str, str]:
    """The checkpoints, stations, zone, mapping, transit trucks and a pass; returns code -> secret."""
    secrets = {}
    for name, latitude, longitude in CHECKPOINTS:
        gate, secret = create_gate(police, None, name, latitude=latitude, longitude=longitude, operator="police")
        secrets[gate.code] = secret
    mapping = SensingMapping(name="某遥感厂商 V2 导出", vendor="某遥感厂商",
                             columns={"measured_at": ["监测时间"], "plate": ["号牌"], "opacity": ["K值(%)"]},
                             time_format="%Y/%m/%d %H:%M:%S")  # fmt: skip
    db.session.add(mapping)
    db.session.flush()
    for kind, name, road, latitude, longitude in STATIONS:
        station, secret = register_station(officer, {
            "kind": kind, "name": name, "road": road, "latitude": latitude, "longitude": longitude,
            "mapping_id": mapping.id if kind == "remote_sensing" else None,
        })  # fmt: skip
        secrets[station.code] = secret
    schema = VehicleInputSchema()
    for plate, colour, stage, fuel, cls in TRANSIT:
        row = {"plate": plate, "plate_color": colour, "emission_stage": stage, "fuel_type": fuel,
               "vehicle_class": cls, "owner": "外地过境车队"}  # fmt: skip
        create_vehicle(None, schema.load(row))
    today = utcnow().astimezone(LOCAL_TZ).date()
    zone = save_zone(officer, {
        "name": "忻府区城区（环城路以内）", "clause": "忻府区秋冬季过境重型柴油货车绕行通告（演示） 第二条",
        "polygon": RING_ROAD, "roads": ["环城路", "建设北路", "和平东街"], "season_from": "10-01",
        "season_to": "03-31", "hours_from": "20:00", "hours_to": "08:00", "alert_levels": [],
        "vehicle_classes": ["heavy_truck", "medium_truck", "tractor"], "max_stage": "4", "fuel_types": [],
        "origin": "transit", "local_prefixes": ["晋H"], "effective_from": date(today.year - 1, 10, 1),
        "effective_to": None, "active": True, "checkpoint_ids": None,
    })  # fmt: skip
    issue_permit(police, {
        "kind": "pass", "plate": PERMITTED, "zone_id": zone.id, "route": "建设北路—城区配送中心",
        "reason": "民生物资配送（演示）", "valid_from": today - timedelta(days=1),
        "valid_to": today + timedelta(days=30), "hours_from": None, "hours_to": None,
    })  # fmt: skip
    return secrets


def result(plate: str, at: datetime, opacity: float, **extra) -> dict:
    return {"measured_at": at, "lane": extra.pop("lane", "1"), "plate": plate, "plate_color": "yellow",
            "fuel": "diesel", "speed_kmh": 38.0, "acceleration": 0.4, "wind_speed": 1.6, "temperature": 4.0,
            "humidity": 45.0, "pressure": 92.3, "opacity": opacity, "no_ppm": 640.0, "co2_percent": 7.8,
            "ringelmann": 2 if opacity > 30 else 0, "pictures": [], "station_valid": True} | extra  # fmt: skip


def checkpoint_read(gate: Gate, plate: str, at: datetime, number: int = 0) -> dict:
    """A checkpoint camera's read, in the same native gate format as a firm's gate sends."""
    key = f"{gate.code}|{plate}|{at.isoformat()}|{number}"
    return {
        "event_id": "kk-" + hashlib.sha256(key.encode()).hexdigest()[:24], "plate": plate, "plate_color": "yellow",
        "direction": "in", "captured_at": at.isoformat(), "confidence": 0.95, "lane": "1",
        "images": {"vehicle": base64.b64encode(truck_picture(plate, "yellow", key)).decode(),
                   "plate": base64.b64encode(plate_jpeg(plate, "yellow")).decode()},
    }  # fmt: skip


def record_roadside_history(officer, end: datetime) -> int:
    """The stations' and checkpoints' recent records up to `end`; returns how many were stored."""
    stations = {s.kind: s for s in db.session.scalars(select(RoadsideStation))}
    sensing = stations["remote_sensing"]
    items = [
        result(SUSPECT, end - timedelta(days=75), 34.5),
        result(SUSPECT, end - timedelta(hours=5), 38.0, lane="2"),
        result(STORIED, end - timedelta(hours=4), 6.5),
        result("冀A40004", end - timedelta(hours=3), 22.0),
        result("晋H20003", end - timedelta(hours=2), 41.0, wind_speed=7.5),  # too windy: invalid
    ]
    stored = len(record_results(sensing, items, "push"))
    smoke = stations["black_smoke"]
    pictures = {"plate": base64.b64encode(plate_jpeg(SMOKER, "yellow")).decode(),
                "smoke": base64.b64encode(truck_picture(SMOKER, "yellow", "smoke")).decode()}  # fmt: skip
    captured = record_captures(smoke, [
        {"captured_at": end - timedelta(hours=6), "lane": "1", "plate": SMOKER, "plate_color": "yellow",
         "vehicle_type": "重型货车", "grade": 3, "threshold": 1, "pictures": pictures, "video_url": None},
        {"captured_at": end - timedelta(minutes=40), "lane": "2", "plate": STORIED, "plate_color": "yellow",
         "vehicle_type": "重型货车", "grade": 2, "threshold": 1, "pictures": {
             "plate": base64.b64encode(plate_jpeg(STORIED, "yellow")).decode(),
             "smoke": base64.b64encode(truck_picture(STORIED, "yellow", "smoke2")).decode()}, "video_url": None},
    ])  # fmt: skip
    review_capture(officer, captured[0][0], "confirmed", "黑烟明显，尾气管处可见浓烟")
    stored += len(captured)
    checkpoints = list(db.session.scalars(select(Gate).where(Gate.kind == "checkpoint").order_by(Gate.code)))
    night = datetime.combine(end.astimezone(LOCAL_TZ).date() - timedelta(days=1), time(22, 10), LOCAL_TZ)
    reads = [("豫A30003", night), (PERMITTED, night + timedelta(minutes=25)),
             (STORIED, night + timedelta(minutes=40)), ("冀F12345", night + timedelta(hours=1))]  # fmt: skip
    schema = GateEventSchema()
    arrivals = []
    for number, (plate, at) in enumerate(reads):
        gate = checkpoints[number % len(checkpoints)]
        arrivals.append(Arrival(gate, schema.load(checkpoint_read(gate, plate, at, number)), "http"))
    record_plate_events(arrivals)
    return stored + len(arrivals)
