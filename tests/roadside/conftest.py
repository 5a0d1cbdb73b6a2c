"""Roadside fixtures: a remote-sensing station, a black-smoke camera, a checkpoint and a zone."""

from datetime import date

import pytest

from registry.extensions import db
from registry.gates.services import create_gate
from registry.stations.services import register_station
from registry.zones.services import save_zone

RING_ROAD = [[112.70, 38.38], [112.78, 38.38], [112.78, 38.44], [112.70, 38.44]]


@pytest.fixture
def sensing_station():
    station, secret = register_station(
        None, {"name": "忻州大道遥感点", "kind": "remote_sensing", "road": "忻州大道东向西"}
    )
    db.session.commit()
    return station, {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def smoke_station():
    station, secret = register_station(None, {"name": "和平街黑烟抓拍", "kind": "black_smoke"})
    db.session.commit()
    return station, {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def checkpoint():
    gate, secret = create_gate(None, None, "建设路北口卡口", latitude=38.41, longitude=112.74, operator="police")
    db.session.commit()
    return gate, {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def night_zone(checkpoint):
    """Jincheng's kind of ban: transit China IV and below, 20:00-08:00, October to March, inside the ring."""
    zone = save_zone(None, {
        "name": "环城路以内", "clause": "过境重型柴油货车绕行通告 第二条", "polygon": RING_ROAD, "roads": ["环城路"],
        "season_from": "10-01", "season_to": "03-31", "hours_from": "20:00", "hours_to": "08:00",
        "alert_levels": [], "vehicle_classes": ["heavy_truck", "medium_truck", "tractor"], "max_stage": "4",
        "fuel_types": [], "origin": "transit", "local_prefixes": ["晋H"], "effective_from": date(2026, 1, 1),
        "effective_to": None, "active": True,
    })  # fmt: skip
    db.session.commit()
    return zone
