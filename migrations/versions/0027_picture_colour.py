"""the camera's plate colour decides; the picture's colour is a question for a person (PICTURE_COLOUR)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06

Until now a colour measured in the picture with NEV_MISMATCH's `min_colour_confidence` (0.6 when unset)
replaced the camera's colour in the rules. Held out on photos from other sources the analysis is right
for about 8 in 10 whole-vehicle photos, cameras far more often: the picture no longer changes what the
barrier does. The new PICTURE_COLOUR policy raises the disagreement for review; its `min_confidence`
takes the value a bureau gave `min_colour_confidence`, which leaves NEV_MISMATCH in a new version of that
policy (the old version stays, unchanged, for the verdicts judged under it). Overruling the camera again
takes `overrules_camera` with the measured precision it relies on, set on purpose.
"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

NOTE = '迁移 0027：min_colour_confidence 移至号牌颜色复核 / migration 0027: min_colour_confidence moved to PICTURE_COLOUR'
PICTURE_COLOUR = {
    'id': 18,
    'rule': 'PICTURE_COLOUR',
    'params': {'min_confidence': 0.6, 'severity': 'review', 'overrules_camera': False},
    'clause': '图片测得号牌颜色与摄像机不一致的，转人工核对，闸机按摄像机颜色判定'
    ' / a picture\'s colour that differs from the camera\'s is checked by a person; the gate goes by the camera',
}

policies = sa.table(
    'policies',
    sa.column('id', sa.Integer), sa.column('rule', sa.String), sa.column('params', sa.JSON),
    sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date), sa.column('clause', sa.String),
    sa.column('note', sa.Text), sa.column('version', sa.Integer), sa.column('replaces_id', sa.Integer),
    sa.column('superseded_at', sa.DateTime(timezone=True)), sa.column('created_by_id', sa.Integer),
    sa.column('created_at', sa.DateTime(timezone=True)), sa.column('updated_at', sa.DateTime(timezone=True)),
)


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    now = datetime.now(timezone.utc)
    if not postgres:
        now = now.replace(tzinfo=None)  # the app stores naive UTC on SQLite
    params = dict(PICTURE_COLOUR['params'])
    current = bind.execute(
        sa.select(policies).where(policies.c.rule == 'NEV_MISMATCH', policies.c.superseded_at.is_(None))
    ).mappings().all()
    for row in current:
        old = dict(row['params'] or {})
        if 'min_colour_confidence' not in old:
            continue
        params['min_confidence'] = old.pop('min_colour_confidence')
        bind.execute(policies.update().where(policies.c.id == row['id']).values(superseded_at=now))
        bind.execute(policies.insert().values(
            rule=row['rule'], params=old, effective_from=row['effective_from'], effective_to=row['effective_to'],
            clause=row['clause'], note=NOTE, version=row['version'] + 1, replaces_id=row['id'], created_at=now,
            updated_at=now,
        ))
    taken = bind.execute(sa.text("SELECT count(*) FROM policies WHERE id = 18")).scalar()
    row = {
        'rule': PICTURE_COLOUR['rule'], 'params': params, 'effective_from': date(2000, 1, 1), 'effective_to': None,
        'clause': PICTURE_COLOUR['clause'], 'version': 1, 'created_at': now, 'updated_at': now,
    }
    bind.execute(policies.insert().values(**(row if taken else {'id': PICTURE_COLOUR['id'], **row})))
    if postgres:
        op.execute("SELECT setval(pg_get_serial_sequence('policies', 'id'), (SELECT max(id) FROM policies))")


def downgrade():
    bind = op.get_bind()
    op.execute("DELETE FROM policies WHERE rule = 'PICTURE_COLOUR'")
    added = bind.execute(sa.select(policies.c.id, policies.c.replaces_id).where(policies.c.note == NOTE)).all()
    for policy_id, replaced in added:
        if bind.execute(sa.select(sa.func.count()).where(policies.c.replaces_id == policy_id)).scalar():
            continue  # revised since: the bureau's later version stays
        bind.execute(policies.delete().where(policies.c.id == policy_id))
        bind.execute(policies.update().where(policies.c.id == replaced).values(superseded_at=None))
