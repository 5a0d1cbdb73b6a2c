"""the searches' indexes carry the other filters; verdicts by decision and time

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06

A search that combines filters walks one filter's index and tested the others on every row's table page:
a firm's violations that are confirmed and of severity review read 100,000 rows of a busy firm, some
40,000 pages from disk, to find none. On PostgreSQL each index a violations or cases search walks now
carries the other filters (INCLUDE), and a page's keys are read from the index alone
(registry.common.pagination), so that such a search is answered from the index.

Passes by decision joined a decision-only index of every month's verdicts: verdicts are now indexed by
decision, then time (a week's denies are one range).
"""
from alembic import op

revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None

# table -> its key, the filters its searches test, and each index (name, the filter it leads with)
SEARCHED = {
    'violations': ('id', ['status', 'severity', 'rule', 'alert_level', 'firm_id', 'gate_id'], (
        ('captured_at', None), ('status_time', 'status'), ('rule_time', 'rule'), ('severity_time', 'severity'),
        ('firm_time', 'firm_id'), ('gate_time', 'gate_id'),
    )),
    'cases': ('plate_event_id', ['status', 'decision', 'alert_level', 'rules', 'firm_id', 'gate_id'], (
        ('captured_at', None), ('status_time', 'status'), ('firm_time', 'firm_id'), ('gate_time', 'gate_id'),
    )),
}


def _rebuild(include: bool) -> None:
    for table, (key, filters, indexes) in SEARCHED.items():
        for name, lead in indexes:
            index = f'ix_{table}_{name}'
            op.drop_index(index, table_name=table)
            carried = [column for column in filters if column != lead]
            extra = {'postgresql_include': carried} if include else {}
            op.create_index(index, table, [*filter(None, [lead]), 'captured_at', key], **extra)


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _rebuild(True)  # SQLite has no INCLUDE: its indexes stay as they are
    op.drop_index('ix_verdicts_decision', table_name='verdicts')
    op.create_index('ix_verdicts_decision_time', 'verdicts', ['decision', 'pass_at', 'plate_event_id'])


def downgrade():
    op.drop_index('ix_verdicts_decision_time', table_name='verdicts')
    op.create_index('ix_verdicts_decision', 'verdicts', ['decision'])
    if op.get_bind().dialect.name == 'postgresql':
        _rebuild(False)
