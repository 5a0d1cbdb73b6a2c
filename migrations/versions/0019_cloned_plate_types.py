"""cloned plates: a registered truck read again and again as a saloon or a bus

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03

The CLONED_PLATE policy gains the cameras' words for vehicles that are not goods vehicles and the
registered classes they contradict, as a new version of the policy (the old version stays, unchanged,
for the verdicts judged under it). A policy the bureau already gave these words is left alone.
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

NOTE = '迁移 0019：增加车型矛盾 / migration 0019: vehicle-type contradictions'
TYPE_PARAMS = {
    'not_truck_types': [
        'smallCar', 'SUVMPV', 'SUV', 'MPV', 'sedan', 'saloon', 'SaloonCar', 'hatchback', 'sportSedan', 'microCar',
        'PassengerCar', 'minibus', 'Microbus', 'mediumBus', 'largeBus', 'bus', 'pickup', 'pickupTruck',
        'motorcycle', 'twoWheelVehicle', 'threeWheelVehicle', 'tricycle', 'buggy', 'nonMotorVehicle', 'NonMotor',
        '轿车', '小型轿车', '微型轿车', '两厢轿车', '三厢轿车', '轿跑', '小型车', '小型汽车', '小型客车', '中型客车',
        '大型客车', '客车', '公交车', '面包车', '皮卡', '皮卡车', '摩托车', '二轮车', '三轮车', '非机动车',
    ],
    'truck_classes': ['heavy_truck', 'medium_truck', 'tractor'],
    'type_contradictions': 3,
    'type_window_days': 30,
}

policies = sa.table(
    'policies',
    sa.column('id', sa.Integer), sa.column('rule', sa.String), sa.column('params', sa.JSON),
    sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date), sa.column('clause', sa.String),
    sa.column('note', sa.Text), sa.column('version', sa.Integer), sa.column('replaces_id', sa.Integer),
    sa.column('superseded_at', sa.DateTime(timezone=True)), sa.column('created_by_id', sa.Integer),
    sa.column('created_at', sa.DateTime(timezone=True)), sa.column('updated_at', sa.DateTime(timezone=True)),
)


def _now(postgres: bool) -> datetime:
    now = datetime.now(timezone.utc)
    return now if postgres else now.replace(tzinfo=None)  # the app stores naive UTC on SQLite


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    now = _now(postgres)
    current = bind.execute(
        sa.select(policies).where(policies.c.rule == 'CLONED_PLATE', policies.c.superseded_at.is_(None))
    ).mappings().all()
    for row in current:
        if 'not_truck_types' in (row['params'] or {}):
            continue
        bind.execute(policies.update().where(policies.c.id == row['id']).values(superseded_at=now))
        bind.execute(policies.insert().values(
            rule=row['rule'], params={**row['params'], **TYPE_PARAMS}, effective_from=row['effective_from'],
            effective_to=row['effective_to'], clause=row['clause'], note=NOTE, version=row['version'] + 1,
            replaces_id=row['id'], created_at=now, updated_at=now,
        ))


def downgrade():
    bind = op.get_bind()
    added = bind.execute(
        sa.select(policies.c.id, policies.c.replaces_id).where(policies.c.note == NOTE)
    ).all()
    for policy_id, replaced in added:
        if bind.execute(sa.select(sa.func.count()).where(policies.c.replaces_id == policy_id)).scalar():
            continue  # revised since: the bureau's later version stays
        bind.execute(policies.delete().where(policies.c.id == policy_id))
        bind.execute(policies.update().where(policies.c.id == replaced).values(superseded_at=None))
