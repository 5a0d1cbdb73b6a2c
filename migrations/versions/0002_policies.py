"""policies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

"""
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('clause', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_policies_created_by_id_users')),
    sa.ForeignKeyConstraint(['replaces_id'], ['policies.id'], name=op.f('fk_policies_replaces_id_policies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policies'))
    )
    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policies_rule'), ['rule'], unique=False)
        batch_op.create_index(batch_op.f('ix_policies_superseded_at'), ['superseded_at'], unique=False)

    seed_plan_2021()


# The 2021 plan as issued (2021-06-03), frozen here: later changes are new policy rows.
PLAN_2021 = [
    {
        "id": 1,
        "rule": "SCOPE",
        "params": {
            "vehicle_classes": [
                "heavy_truck",
                "medium_truck",
                "tractor"
            ],
            "plate_colors": [
                "yellow",
                "yellow_green"
            ]
        },
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "忻府区空气质量巩固提升2021年行动计划：适用于重型、中型货车和牵引车 / plan scope: heavy and medium trucks, tractors"
    },
    {
        "id": 2,
        "rule": "STAGE_INFERENCE",
        "params": {
            "cutovers": {
                "diesel": [
                    [
                        "1900-01-01",
                        "2"
                    ],
                    [
                        "2008-01-01",
                        "3"
                    ],
                    [
                        "2013-07-01",
                        "4"
                    ],
                    [
                        "2017-07-01",
                        "5"
                    ],
                    [
                        "2021-07-01",
                        "6"
                    ]
                ],
                "gas": [
                    [
                        "1900-01-01",
                        "2"
                    ],
                    [
                        "2008-01-01",
                        "3"
                    ],
                    [
                        "2013-07-01",
                        "4"
                    ],
                    [
                        "2017-07-01",
                        "5"
                    ],
                    [
                        "2019-07-01",
                        "6"
                    ]
                ],
                "default": [
                    [
                        "1900-01-01",
                        "2"
                    ],
                    [
                        "2008-01-01",
                        "3"
                    ],
                    [
                        "2013-07-01",
                        "4"
                    ],
                    [
                        "2017-07-01",
                        "5"
                    ],
                    [
                        "2021-07-01",
                        "6"
                    ]
                ]
            }
        },
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "GB 17691 各阶段实施日期 / GB 17691 national cut-over dates"
    },
    {
        "id": 3,
        "rule": "FREIGHT_STAGE",
        "params": {
            "threshold_tonnes": 1500000,
            "min_stage": "5"
        },
        "effective_from": "2021-01-01",
        "effective_to": "2021-12-31",
        "clause": "忻府区空气质量巩固提升2021年行动计划 第（15）条 / clause (15)"
    },
    {
        "id": 4,
        "rule": "FREIGHT_STAGE",
        "params": {
            "threshold_tonnes": 1500000,
            "min_stage": "6"
        },
        "effective_from": "2022-01-01",
        "effective_to": None,
        "clause": "忻府区空气质量巩固提升2021年行动计划 第（15）条 / clause (15)"
    },
    {
        "id": 5,
        "rule": "CLEAN_TRANSPORT",
        "params": {
            "industries": [
                "power",
                "coking"
            ],
            "planning_area_only": True,
            "min_stage": "6"
        },
        "effective_from": "2021-10-01",
        "effective_to": None,
        "clause": "忻府区空气质量巩固提升2021年行动计划 第（15）条 / clause (15)"
    },
    {
        "id": 6,
        "rule": "STAGGERED_TRANSPORT",
        "params": {
            "matrix": {
                "A": {},
                "leading": {},
                "B": {
                    "yellow": "4",
                    "orange": "4",
                    "red": "4"
                },
                "C": {
                    "yellow": "4",
                    "orange": "4",
                    "red": "4"
                },
                "unrated": {
                    "yellow": "4",
                    "orange": "4",
                    "red": "4"
                },
                "D": {
                    "yellow": "all",
                    "orange": "all",
                    "red": "all"
                }
            }
        },
        "effective_from": "2021-01-01",
        "effective_to": None,
        "clause": "忻府区空气质量巩固提升2021年行动计划 第（15）条；重污染天气重点行业应急减排措施制定技术指南（2020年修订版） / clause (15) and the MEE 2020 guide"
    },
    {
        "id": 7,
        "rule": "PHASE_OUT",
        "params": {
            "max_stage": "3",
            "fuel_types": [
                "diesel"
            ]
        },
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "忻府区空气质量巩固提升2021年行动计划 第（17）条 / clause (17)"
    },
    {
        "id": 8,
        "rule": "UNREGISTERED_VEHICLE",
        "params": {},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "忻府区空气质量巩固提升2021年行动计划 第（15）条：视频门禁与车辆登记 / clause (15): video gates and vehicle registry"
    },
    {
        "id": 9,
        "rule": "STAGE_UNKNOWN",
        "params": {},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "MEE 2020 门禁电子台账：排放阶段 / MEE 2020 gate ledger: emission stage"
    },
    {
        "id": 10,
        "rule": "NEV_MISMATCH",
        "params": {},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "GA 36-2018 号牌颜色 / GA 36-2018 plate colours"
    },
    {
        "id": 11,
        "rule": "UNREADABLE_PLATE",
        "params": {},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "GA 36-2018 号牌号码 / GA 36-2018 plate numbers"
    }
]


def seed_plan_2021():
    issued = datetime(2021, 6, 3, tzinfo=timezone(timedelta(hours=8)))
    policies = sa.table(
        "policies",
        sa.column("id", sa.Integer),
        sa.column("rule", sa.String),
        sa.column("params", sa.JSON),
        sa.column("effective_from", sa.Date),
        sa.column("effective_to", sa.Date),
        sa.column("clause", sa.String),
        sa.column("version", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    stamp = issued.astimezone(timezone.utc)
    if op.get_context().dialect.name == "sqlite":
        stamp = stamp.replace(tzinfo=None)  # the app stores naive UTC on SQLite
    rows = [
        row
        | {
            "effective_from": date.fromisoformat(row["effective_from"]),
            "effective_to": row["effective_to"] and date.fromisoformat(row["effective_to"]),
            "version": 1,
            "created_at": stamp,
            "updated_at": stamp,
        }
        for row in PLAN_2021
    ]
    op.bulk_insert(policies, rows)
    if op.get_context().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('policies', 'id'), (SELECT max(id) FROM policies))")


def downgrade():
    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policies_superseded_at'))
        batch_op.drop_index(batch_op.f('ix_policies_rule'))

    op.drop_table('policies')
