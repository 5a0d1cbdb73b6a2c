"""daily violation counts indexed by each filter a search has, then the day

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06

A search that combines filters bounds itself by the days the daily counts hold violations of its rule,
alert level, gate and firm (registry.statistics.spans), read from an index that leads with one of them
instead of every day of the table.
"""
from alembic import op

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_daily_violations_rule_day': ['rule', 'alert_level', 'day'],
    'ix_daily_violations_gate_day': ['gate_id', 'day'],
    # the dashboard's month per day, firm and rule, read from the index alone
    'ix_daily_violations_day_firm_rule': ['day', 'firm_id', 'rule', 'violations'],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, 'daily_violations', columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='daily_violations')
