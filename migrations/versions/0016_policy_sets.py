"""policy sets: a verdict names the set of policies it was judged under instead of storing the list,
and a verdict without findings stores NULL instead of an empty list

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02

Every pass stored the same few JSON arrays (the policies in force, and `[]` for a pass without
findings). Verdicts now name a row of policy_sets, whose id is derived from its policies (63 bits of
the SHA-256 of the sorted ids joined by commas: registry.policies.sets.set_id_of, repeated below so
that this migration keeps meaning what it meant). Existing verdicts are rewritten once, in one UPDATE.
"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
FK = 'fk_verdicts_policy_set_id_policy_sets'


def set_id_of(policy_ids) -> int:
    digest = hashlib.sha256(",".join(map(str, sorted(policy_ids))).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    op.create_table(
        'policy_sets',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('policy_ids', JSON_DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_sets')),
    )
    column = sa.Column('policy_set_id', sa.BigInteger(), nullable=True)
    if postgres:
        op.add_column('verdicts', column)
        op.create_foreign_key(FK, 'verdicts', 'policy_sets', ['policy_set_id'], ['id'])
        op.alter_column('verdicts', 'findings', nullable=True)
    else:
        with op.batch_alter_table('verdicts') as batch:
            batch.add_column(column)
            batch.create_foreign_key(FK, 'policy_sets', ['policy_set_id'], ['id'])
            batch.alter_column('findings', existing_type=JSON_DOCUMENT, nullable=True)

    # The distinct lists as stored (JSON text on SQLite, jsonb on PostgreSQL), each with its set.
    stored = bind.execute(sa.text("SELECT DISTINCT policy_ids FROM verdicts")).scalars().all()
    sets = {}
    for value in stored:
        ids = value if isinstance(value, list) else json.loads(value)
        if ids:
            sets[value if isinstance(value, str) else json.dumps(value)] = (set_id_of(ids), sorted(ids))
    if sets:
        table = sa.table('policy_sets', sa.column('id'), sa.column('policy_ids', JSON_DOCUMENT))
        unique = {set_id: ids for set_id, ids in sets.values()}
        op.bulk_insert(table, [{'id': i, 'policy_ids': ids} for i, ids in unique.items()])
    params = {}
    cases = []
    for n, (text, (set_id, _ids)) in enumerate(sets.items()):
        params[f'j{n}'], params[f'i{n}'] = text, set_id
        cases.append(f"WHEN CAST(:j{n} AS jsonb) THEN :i{n}" if postgres else f"WHEN :j{n} THEN :i{n}")
    empty = "'[]'::jsonb" if postgres else "'[]'"
    set_id = f"CASE policy_ids {' '.join(cases)} END" if cases else "NULL"
    bind.execute(
        sa.text(f"UPDATE verdicts SET policy_set_id = {set_id}, findings = NULLIF(findings, {empty})"), params
    )
    if postgres:
        op.drop_column('verdicts', 'policy_ids')
    else:
        with op.batch_alter_table('verdicts') as batch:
            batch.drop_column('policy_ids')


def downgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    column = sa.Column('policy_ids', JSON_DOCUMENT, nullable=True)
    if postgres:
        op.add_column('verdicts', column)
    else:
        with op.batch_alter_table('verdicts') as batch:
            batch.add_column(column)
    empty = "'[]'::jsonb" if postgres else "'[]'"
    bind.execute(sa.text(
        "UPDATE verdicts SET policy_ids = COALESCE((SELECT s.policy_ids FROM policy_sets s "
        f"WHERE s.id = verdicts.policy_set_id), {empty}), findings = COALESCE(findings, {empty})"
    ))
    if postgres:
        op.alter_column('verdicts', 'policy_ids', nullable=False)
        op.alter_column('verdicts', 'findings', nullable=False)
        op.drop_constraint(FK, 'verdicts', type_='foreignkey')
        op.drop_column('verdicts', 'policy_set_id')
    else:
        with op.batch_alter_table('verdicts') as batch:
            batch.alter_column('policy_ids', existing_type=JSON_DOCUMENT, nullable=False)
            batch.alter_column('findings', existing_type=JSON_DOCUMENT, nullable=False)
            batch.drop_constraint(FK, type_='foreignkey')
            batch.drop_column('policy_set_id')
    op.drop_table('policy_sets')
