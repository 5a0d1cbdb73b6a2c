"""cloned plates: gates have coordinates, and the CLONED_PLATE policy (套牌嫌疑) as data

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03

A plate read at two gates further apart than a truck covers in the time between, or read again and
again in a colour its registration contradicts, is a finding for review (never a deny on its own).
The thresholds are the policy's parameters, which the bureau revises like any other policy.
"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

CLONED_PLATE = {
    'id': 14,
    'rule': 'CLONED_PLATE',
    'params': {'max_speed_kmh': 100, 'min_distance_km': 2, 'window_hours': 6, 'colour_contradictions': 3,
               'colour_window_days': 30, 'severity': 'review'},
    'clause': '套牌嫌疑需人工核查，不单独作为禁止通行依据 / a suspected cloned plate is checked by a person',
}


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.add_column('gates', sa.Column('latitude', sa.Float(), nullable=True))
    op.add_column('gates', sa.Column('longitude', sa.Float(), nullable=True))
    policies = sa.table(
        'policies',
        sa.column('id', sa.Integer), sa.column('rule', sa.String), sa.column('params', sa.JSON),
        sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date), sa.column('clause', sa.String),
        sa.column('version', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    added = datetime(2026, 12, 3, tzinfo=timezone.utc)
    if not postgres:
        added = added.replace(tzinfo=None)  # the app stores naive UTC on SQLite
    taken = op.get_bind().execute(sa.text("SELECT count(*) FROM policies WHERE id = 14")).scalar()
    row = {
        'rule': CLONED_PLATE['rule'], 'params': CLONED_PLATE['params'], 'effective_from': date(2000, 1, 1),
        'effective_to': None, 'clause': CLONED_PLATE['clause'], 'version': 1, 'created_at': added,
        'updated_at': added,
    }
    op.bulk_insert(policies, [row if taken else {'id': CLONED_PLATE['id'], **row}])
    if postgres:
        op.execute("SELECT setval(pg_get_serial_sequence('policies', 'id'), (SELECT max(id) FROM policies))")


def downgrade():
    op.execute("DELETE FROM policies WHERE rule = 'CLONED_PLATE'")
    op.drop_column('gates', 'longitude')  # in place on SQLite too (3.35+): gates is referenced everywhere
    op.drop_column('gates', 'latitude')
