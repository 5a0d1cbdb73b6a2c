"""each violation names the alert its finding is about

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

Until now a violation found its alert through the verdict, which keeps only the first alert in force:
with an orange and a red alert at once, both staggered-transport violations pointed to the orange
one. Existing staggered-transport violations take their verdict's alert, the best that is known.
A plain ALTER TABLE (not a batch copy) keeps SQLite's evidence triggers on violations.
"""
from alembic import op
import sqlalchemy as sa

from migrations import sqlite_guards


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':  # SQLite adds a column with a reference only through a plain ALTER TABLE
        op.execute('ALTER TABLE violations ADD COLUMN alert_id INTEGER REFERENCES alerts (id)')
    else:
        op.add_column('violations', sa.Column('alert_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_violations_alert_id_alerts'), 'violations', 'alerts', ['alert_id'], ['id'])
    op.create_index(op.f('ix_violations_alert_id'), 'violations', ['alert_id'], unique=False)
    op.execute(
        "UPDATE violations SET alert_id = (SELECT verdicts.alert_id FROM verdicts"
        " WHERE verdicts.plate_event_id = violations.plate_event_id)"
        " WHERE rule = 'STAGGERED_TRANSPORT'"
    )


def downgrade():
    op.drop_index(op.f('ix_violations_alert_id'), table_name='violations')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_violations_alert_id_alerts'), 'violations', type_='foreignkey')
        op.drop_column('violations', 'alert_id')
        return
    # Since 0014 copied the table, the reference is a table constraint that SQLite's DROP COLUMN refuses.
    sqlite_guards.dropped()
    with op.batch_alter_table('violations') as batch:
        batch.drop_column('alert_id')
    sqlite_guards.restored()
