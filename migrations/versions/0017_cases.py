"""cases: one reviewable record per pass that raised findings (案件), filled from the violations

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

A case's identity is its pass (plate_event_id). It carries what the review queue filters and sorts by
(the pass's time, gate, firm, plate, the highest alert level, its status) with an index per filter
ending in (captured_at, plate_event_id), and the review.
PostgreSQL: partitioned by month of captured_at like violations (migration 0015), one partition per
month the passes have plus DEFAULT, each month referring to its month of passes. The vehicle and firm
as they were stay on the case's violations (their context), not copied again. Existing violations
become cases, one per pass: open while any of its violations is open, else confirmed if any was
confirmed, else dismissed; the latest review's reviewer, time and note.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
FILTERS = {  # index -> leading columns; each ends with (captured_at, plate_event_id)
    "ix_cases_captured_at": [],
    "ix_cases_status_time": ["status"],
    "ix_cases_firm_time": ["firm_id"],
    "ix_cases_gate_time": ["gate_id"],
    "ix_cases_plate_time": ["plate"],
}
LEVELS = "CASE v.alert_level WHEN 'red' THEN 3 WHEN 'orange' THEN 2 WHEN 'yellow' THEN 1 ELSE 0 END"
BACKFILL = f"""
INSERT INTO cases (plate_event_id, captured_at, gate_id, firm_id, plate, decision, rules, findings_count,
                   alert_level, status, note, reviewed_by_id, reviewed_at, created_at, updated_at)
SELECT v.plate_event_id, min(v.captured_at), min(v.gate_id), min(v.firm_id), min(v.plate),
       CASE WHEN sum(CASE WHEN v.severity = 'deny' THEN 1 ELSE 0 END) > 0 THEN 'deny' ELSE 'review' END,
       {{rules}},
       count(*),
       CASE max({LEVELS}) WHEN 3 THEN 'red' WHEN 2 THEN 'orange' WHEN 1 THEN 'yellow' END,
       CASE WHEN sum(CASE WHEN v.status = 'open' THEN 1 ELSE 0 END) > 0 THEN 'open'
            WHEN sum(CASE WHEN v.status = 'confirmed' THEN 1 ELSE 0 END) > 0 THEN 'confirmed'
            ELSE 'dismissed' END,
       (SELECT f.note FROM violations f WHERE f.plate_event_id = v.plate_event_id AND f.reviewed_at IS NOT NULL
        ORDER BY f.reviewed_at DESC LIMIT 1),
       (SELECT f.reviewed_by_id FROM violations f WHERE f.plate_event_id = v.plate_event_id
        AND f.reviewed_at IS NOT NULL ORDER BY f.reviewed_at DESC LIMIT 1),
       max(v.reviewed_at), min(v.created_at), max(v.updated_at)
FROM violations v
GROUP BY v.plate_event_id
"""


def _columns(postgres: bool) -> list:
    key = ("plate_event_id", "captured_at") if postgres else ("plate_event_id",)
    return [
        sa.Column(
            "plate_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=32), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("pass", "deny", "review", name="decision", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("rules", sa.String(length=400), nullable=False),
        sa.Column("findings_count", sa.Integer(), nullable=False),
        sa.Column("alert_level", sa.String(length=10), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open", "confirmed", "dismissed", name="violation_status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["gate_id"], ["gates.id"], name="fk_cases_gate_id_gates"),
        sa.ForeignKeyConstraint(["firm_id"], ["firms.id"], name="fk_cases_firm_id_firms"),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"], name="fk_cases_reviewed_by_id_users"),
        sa.PrimaryKeyConstraint(*key, name="pk_cases"),
    ]


def _pass_partitions(bind) -> list[str]:
    """The suffixes of the passes' partitions (_y2026m12, _default): cases get the same months."""
    names = bind.execute(
        sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'plate_events'"
        )
    ).scalars()
    return sorted(name[len("plate_events") :] for name in names)


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.create_table("cases", *_columns(True), postgresql_partition_by="RANGE (captured_at)")
        for suffix in _pass_partitions(bind):
            if suffix == "_default":
                op.execute("CREATE TABLE cases_default PARTITION OF cases DEFAULT")
            else:
                bounds = bind.execute(
                    sa.text("SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relname = :n"),
                    {"n": f"plate_events{suffix}"},
                ).scalar()
                op.execute(f"CREATE TABLE cases{suffix} PARTITION OF cases {bounds}")
            op.execute(
                f"ALTER TABLE cases{suffix} ADD CONSTRAINT fk_cases{suffix}_pass "
                f"FOREIGN KEY (plate_event_id, captured_at) REFERENCES plate_events{suffix} (id, captured_at)"
            )
        rules = "string_agg(DISTINCT v.rule, ',')"
    else:
        op.create_table(
            "cases",
            *_columns(False),
            sa.ForeignKeyConstraint(
                ["plate_event_id"], ["plate_events.id"], name="fk_cases_plate_event_id_plate_events"
            ),
        )
        rules = "group_concat(DISTINCT v.rule)"
    op.execute(BACKFILL.format(rules=rules))
    for name, lead in FILTERS.items():
        op.create_index(name, "cases", [*lead, "captured_at", "plate_event_id"])
    op.create_index(
        "ix_cases_level_time",
        "cases",
        ["alert_level", "captured_at", "plate_event_id"],
        postgresql_where=sa.text("alert_level IS NOT NULL"),
        sqlite_where=sa.text("alert_level IS NOT NULL"),
    )
    if postgres:
        op.execute("ANALYZE cases")


def downgrade():
    op.drop_table("cases")
