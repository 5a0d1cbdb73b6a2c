"""Seeding the demo district through the same services real users go through."""

import secrets
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from registry.accounts.models import Role, User
from registry.accounts.services import create_user, issue_token, set_password
from registry.alerts.models import Alert
from registry.common.time import utcnow
from registry.demo import data
from registry.extensions import db
from registry.firms.models import Firm
from registry.firms.services import create_firm
from registry.gates.services import create_gate
from registry.machinery.models import MachineFuel, MachineStage, MachineType, PhotoKind
from registry.machinery.photos import add_photo
from registry.machinery.services import approve_machinery, register_machinery
from registry.sites.models import ConstructionUnit, Site
from registry.vehicles.schemas import VehicleInputSchema
from registry.vehicles.services import create_vehicle


def already_seeded() -> bool:
    return db.session.scalar(select(Firm.id).where(Firm.credit_code == data.credit_code(1))) is not None


def seed_firms() -> dict[str, str]:
    """Firms with their gates; returns gate code -> secret."""
    gate_secrets = {}
    for serial, (name, industry, tonnes, planning, grade, region, gates) in enumerate(data.FIRMS, 1):
        firm = create_firm(
            None,
            {
                "name": name,
                "credit_code": data.credit_code(serial),
                "industry": industry,
                "annual_freight_tonnes": tonnes,
                "in_planning_area": planning,
                "performance_grade": grade,
                "region": region,
            },
        )
        for gate_name in gates:
            latitude, longitude = data.GATE_PLACES.get((name, gate_name), (None, None))
            gate, secret = create_gate(None, firm, gate_name, latitude=latitude, longitude=longitude)
            gate_secrets[gate.code] = secret
    return gate_secrets


def seed_vehicles() -> None:
    schema = VehicleInputSchema()
    for serial, (plate, colour, stage, fuel, cls, registered, owner, wmi) in enumerate(data.VEHICLES, 1):
        row = {
            "plate": plate,
            "plate_color": colour,
            "emission_stage": stage,
            "fuel_type": fuel,
            "vehicle_class": cls,
            "registration_date": registered,
            "owner": owner,
            "engine_no": f"WP{serial:08d}" if fuel != "electric" else None,
            "vin": data.vin(wmi, serial) if wmi else None,
        }
        create_vehicle(None, schema.load({k: v for k, v in row.items() if v is not None}))


def seed_alerts() -> None:
    now = utcnow()
    db.session.add(Alert(**data.ALERT, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(days=2)))
    db.session.add(Alert(**data.PAST_ALERT, starts_at=now - timedelta(days=40), ends_at=now - timedelta(days=37)))


def seed_unit() -> ConstructionUnit:
    unit = ConstructionUnit(
        name="忻州建工集团有限公司",
        credit_code=data.credit_code(101),
        contact_name="王工",
        contact_phone="0350-3000000",
    )
    db.session.add(unit)
    db.session.add(Site(unit=unit, name="忻府区七一路改造工程", address="忻府区七一路", low_emission_zone=True))
    db.session.add(Site(unit=unit, name="豆罗镇物流园二期", address="忻府区豆罗镇", low_emission_zone=False))
    db.session.flush()
    return unit


def seed_machinery(site_manager: User, officer: User) -> None:
    """The demo unit's machines, registered, photographed and reviewed through the services."""
    for serial, (kind, model, maker, engine, power, fuel, stage, status) in enumerate(data.MACHINERY, 1):
        machinery = register_machinery(
            site_manager,
            {
                "machine_type": MachineType(kind),
                "model": model,
                "manufacturer": maker,
                "engine_model": engine,
                "engine_no": f"EN{serial:08d}" if engine else None,
                "rated_power_kw": Decimal(power),
                "fuel_type": MachineFuel(fuel),
                "emission_stage": MachineStage(stage),
                "production_date": date(2018 + serial, 3, 1),
                "acquisition_date": date(2019 + serial, 5, 1),
            },
        )
        if status == "approved":
            for kind_of_photo in PhotoKind:
                add_photo(
                    site_manager, machinery, kind_of_photo, data.nameplate_photo(f"{model} {kind_of_photo.value}")
                )
            approve_machinery(officer, machinery)


def seed_users(unit: ConstructionUnit) -> tuple[dict[str, User], dict[str, str], dict[str, str]]:
    """Users with API tokens and page passwords (random, saved to the credentials file only)."""
    users, tokens, passwords = {}, {}, {}
    for username, role in data.USERS:
        unit_id = unit.id if role == "construction" else None
        firm_id = db.session.scalar(select(Firm.id).where(Firm.name == data.FIRM_USER_FIRM)) if role == "firm" else None
        user = create_user(None, username, Role(role), firm_id=firm_id, construction_unit_id=unit_id)
        passwords[username] = secrets.token_urlsafe(12)
        set_password(None, user, passwords[username])
        tokens[username] = issue_token(None, user, name="demo")
        users[role] = user
    return users, tokens, passwords


def seed_demo() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Add the demo district; returns (gate secrets, user tokens, page passwords). The caller commits."""
    gate_secrets = seed_firms()
    seed_vehicles()
    seed_alerts()
    unit = seed_unit()
    users, tokens, passwords = seed_users(unit)
    seed_machinery(users["construction"], users["bureau"])
    db.session.flush()
    return gate_secrets, tokens, passwords
