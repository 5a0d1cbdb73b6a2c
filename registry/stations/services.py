"""Registering roadside stations, rotating their secrets and authenticating their pushes."""

from __future__ import annotations

import hmac

from sqlalchemy import func, select

from registry.accounts.services import hash_secret, new_secret
from registry.audit.services import record_change
from registry.common.services import add_audited, ensure_unique
from registry.common.time import utcnow
from registry.events.auth import device_required
from registry.extensions import db
from registry.stations.models import RoadsideStation


def _snapshot(station: RoadsideStation) -> dict:
    return {
        "code": station.code, "name": station.name, "kind": station.kind, "road": station.road,
        "latitude": station.latitude, "longitude": station.longitude, "mapping_id": station.mapping_id,
        "active": station.active,
    }  # fmt: skip


def _next_code(kind: str) -> str:
    prefix = "YG" if kind == "remote_sensing" else "HY"  # 遥感, 黑烟
    count = db.session.scalar(select(func.count(RoadsideStation.id)).where(RoadsideStation.kind == kind))
    while True:
        count += 1
        code = f"{prefix}{count:03d}"
        if not db.session.scalar(select(RoadsideStation.id).where(RoadsideStation.code == code)):
            return code


def register_station(actor, data: dict) -> tuple[RoadsideStation, str]:
    """Add a station; return it with its push secret, stored only as a hash."""
    ensure_unique(RoadsideStation, RoadsideStation.code, data.get("code"), "code", "站点编号", "station code")
    secret = new_secret()
    station = RoadsideStation(**{**data, "code": data.get("code") or _next_code(data["kind"])})
    station.secret_hash = hash_secret(secret)
    return add_audited(actor, station, "roadside_station", _snapshot), secret


def rotate_station_secret(actor, station: RoadsideStation) -> str:
    secret = new_secret()
    station.secret_hash = hash_secret(secret)
    record_change(actor, "rotate_secret", "roadside_station", station.id)
    return secret


def authenticate_station(code: str, secret: str | None, kind: str) -> RoadsideStation | None:
    """The active station `code` of `kind` if `secret` is its secret; its last push noted."""
    station = db.session.scalar(select(RoadsideStation).where(RoadsideStation.code == code))
    if station is None or not station.active or not secret or station.kind != kind:
        return None
    if not hmac.compare_digest(station.secret_hash, hash_secret(secret)):
        return None
    station.last_seen_at = utcnow()
    return station


def require_station(kind: str):
    """The view runs only for the active station of `kind` named by `code` in the URL, authenticated by
    its own secret as a gate is (Bearer, Basic or ?key=); sets `g.station`."""
    return device_required(
        lambda code, secret: authenticate_station(code, secret, kind),
        "station",
        ("站点编号或密钥无效，或站点已停用", "Unknown or disabled station, or wrong secret"),
    )


def stations(kind: str | None = None) -> list[RoadsideStation]:
    query = select(RoadsideStation).order_by(RoadsideStation.kind, RoadsideStation.code)
    if kind:
        query = query.where(RoadsideStation.kind == kind)
    return list(db.session.scalars(query))
