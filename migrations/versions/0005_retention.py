"""retention: pass pictures can be purged; confirmed violations and their evidence are protected

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Triggers, on both engines, refuse to delete a confirmed violation, to take back its confirmation, and
to delete or purge the pictures or the pass it rests on. (SQLite rebuilds a table for a batch
alteration and drops its triggers with it: a later migration that alters these tables must recreate
them.)
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

CONFIRMED_ON = "EXISTS (SELECT 1 FROM violations v WHERE v.plate_event_id = {ref} AND v.status = 'confirmed')"
GUARDS = [
    # (name, table, event, condition)
    ("protect_confirmed_violation_delete", "violations", "DELETE", "OLD.status = 'confirmed'"),
    ("protect_confirmed_violation_update", "violations", "UPDATE", "OLD.status = 'confirmed' AND NEW.status <> 'confirmed'"),
    ("protect_evidence_image_delete", "pass_images", "DELETE", CONFIRMED_ON.format(ref="OLD.plate_event_id")),
    ("protect_evidence_image_purge", "pass_images", "UPDATE",
     "OLD.purged_at IS NULL AND NEW.purged_at IS NOT NULL AND " + CONFIRMED_ON.format(ref="OLD.plate_event_id")),
    ("protect_evidence_pass_delete", "plate_events", "DELETE", CONFIRMED_ON.format(ref="OLD.id")),
]
MESSAGE = "confirmed violations and their evidence cannot be deleted or changed"


def upgrade():
    with op.batch_alter_table('pass_images', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table, event, condition in GUARDS:
        if postgres:  # PostgreSQL allows no subquery in WHEN: the function tests the condition
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF {condition} THEN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
                "END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
            )
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
        else:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW "
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table, _event, _condition in GUARDS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    with op.batch_alter_table('pass_images', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
