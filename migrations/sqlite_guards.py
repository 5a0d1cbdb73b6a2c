"""Migration 0005's guards as SQLite spells them, for migrations that copy the violations table.

SQLite rebuilds a table for a batch alteration: the copy loses the table's own triggers, and SQLite
refuses to rename the copy into place while triggers of other tables name it. A migration that copies
violations drops all five guards first (`dropped`) and makes them again after (`restored`).
(PostgreSQL alters in place and keeps them.)"""

from alembic import op

GUARD = "confirmed violations and their evidence cannot be deleted or changed"
CONFIRMED_ON = "EXISTS (SELECT 1 FROM violations v WHERE v.plate_event_id = {ref} AND v.status = 'confirmed')"
TRIGGERS = [  # (name, table, event, condition): the same as migration 0005's GUARDS
    ("protect_confirmed_violation_delete", "violations", "DELETE", "OLD.status = 'confirmed'"),
    (
        "protect_confirmed_violation_update",
        "violations",
        "UPDATE",
        "OLD.status = 'confirmed' AND NEW.status <> 'confirmed'",
    ),
    ("protect_evidence_image_delete", "pass_images", "DELETE", CONFIRMED_ON.format(ref="OLD.plate_event_id")),
    (
        "protect_evidence_image_purge",
        "pass_images",
        "UPDATE",
        "OLD.purged_at IS NULL AND NEW.purged_at IS NOT NULL AND " + CONFIRMED_ON.format(ref="OLD.plate_event_id"),
    ),
    ("protect_evidence_pass_delete", "plate_events", "DELETE", CONFIRMED_ON.format(ref="OLD.id")),
]


def dropped():
    for name, _table, _event, _condition in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def restored():
    dropped()
    for name, table, event, condition in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW "
            f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{GUARD}'); END"
        )
