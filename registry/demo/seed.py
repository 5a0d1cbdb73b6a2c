"""Seeding the demo district through the same services real users go through."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from registry.accounts.models import Role
from registry.accounts.services import create_user, issue_token
from registry.alerts.models import Alert
from registry.common.time import utcnow
from registry.demo import data
from registry.extensions import db
from registry.firms.models import Firm
from registry.firms.services import create_firm
from registry.gates.services import create_gate
from registry.machinery.models import ConstructionUnit, Machinery, Site
from registry.vehicles.schemas import VehicleInputSchema
from registry.vehicles.services import create_vehicle


def already_seeded() -> bool:
    return db.session.scalar(select(Firm.id).where(Firm.credit_code == data.credit_code(1))) is not None


def seed_firms() -> dict[str, str]:
    """Firms with their gates; returns gate code -> secret."""
    secrets = {}
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
            gate, secret = create_gate(None, firm, gate_name)
            secrets[gate.code] = secret
    return secrets


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


def seed_machinery() -> None:
    unit = ConstructionUnit(
        name="忻州建工集团有限公司",
        credit_code=data.credit_code(101),
        contact_name="王工",
        contact_phone="0350-3000000",
    )
    db.session.add(unit)
    db.session.add(Site(unit=unit, name="忻府区七一路改造工程", address="忻府区七一路", low_emission_zone=True))
    db.session.add(Site(unit=unit, name="豆罗镇物流园二期", address="忻府区豆罗镇", low_emission_zone=False))
    for serial, (kind, model, maker, engine, power, fuel, stage, status) in enumerate(data.MACHINERY, 1):
        db.session.add(
            Machinery(
                unit=unit,
                machine_type=kind,
                model=model,
                manufacturer=maker,
                engine_model=engine,
                engine_no=f"EN{serial:08d}" if engine else None,
                rated_power_kw=Decimal(power),
                fuel_type=fuel,
                emission_stage=stage,
                status=status,
                production_date=date(2018 + serial, 3, 1),
                acquisition_date=date(2019 + serial, 5, 1),
                registration_code=f"晋H-FL-{serial:06d}" if status == "approved" else None,
            )
        )


def seed_users() -> dict[str, str]:
    tokens = {}
    for username, role in data.USERS:
        user = create_user(None, username, Role(role))
        tokens[username] = issue_token(None, user, name="demo")
    return tokens


def seed_demo() -> tuple[dict[str, str], dict[str, str]]:
    """Add the demo district; returns (gate secrets, user tokens). The caller commits."""
    secrets = seed_firms()
    seed_vehicles()
    seed_alerts()
    seed_machinery()
    tokens = seed_users()
    db.session.flush()
    return secrets, tokens
