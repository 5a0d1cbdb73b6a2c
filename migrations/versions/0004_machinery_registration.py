"""machinery registration: photos, history, registration codes, smoke limits and zone rules as data

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

The smoke limits (GB 36886-2018) and which class applies where are unconfirmed (DOMAIN.md 5): they are
seeded here as rows the bureau corrects through the API, never constants in code.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_counters',
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('last_serial', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_registration_counters'))
    )
    op.create_table('smoke_limits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('limit_class', sa.String(length=8), nullable=False),
    sa.Column('power_from_kw', sa.Numeric(precision=7, scale=1), nullable=False),
    sa.Column('power_to_kw', sa.Numeric(precision=7, scale=1), nullable=True),
    sa.Column('k_limit', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('ringelmann_max', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_smoke_limits')),
    sa.UniqueConstraint('limit_class', 'power_from_kw', name=op.f('uq_smoke_limits_limit_class_power_from_kw'))
    )
    op.create_table('zone_rules',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('barred_stages', sa.JSON(), nullable=False),
    sa.Column('bar_failed_inspection', sa.Boolean(), nullable=False),
    sa.Column('smoke_classes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_zone_rules'))
    )
    op.create_table('machinery_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('machinery_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('registered', 'resubmitted', 'approved', 'rejected', 'transferred', 'retired', name='machinery_action', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('from_unit_id', sa.Integer(), nullable=True),
    sa.Column('to_unit_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_machinery_history_actor_id_users')),
    sa.ForeignKeyConstraint(['from_unit_id'], ['construction_units.id'], name=op.f('fk_machinery_history_from_unit_id_construction_units')),
    sa.ForeignKeyConstraint(['machinery_id'], ['machinery.id'], name=op.f('fk_machinery_history_machinery_id_machinery')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['construction_units.id'], name=op.f('fk_machinery_history_to_unit_id_construction_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_machinery_history'))
    )
    with op.batch_alter_table('machinery_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_machinery_history_machinery_id'), ['machinery_id'], unique=False)

    op.create_table('machinery_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('machinery_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('nameplate', 'engine_nameplate', 'label', name='photo_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=30), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['machinery_id'], ['machinery.id'], name=op.f('fk_machinery_photos_machinery_id_machinery')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_machinery_photos_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_machinery_photos')),
    sa.UniqueConstraint('machinery_id', 'kind', name=op.f('uq_machinery_photos_machinery_id_kind'))
    )
    with op.batch_alter_table('machinery_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_machinery_photos_machinery_id'), ['machinery_id'], unique=False)

    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('limit_class', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('limit_ringelmann', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('site_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('zone', sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_inspections_site_id_sites'), 'sites', ['site_id'], ['id'])

    with op.batch_alter_table('machinery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))

    seed_smoke_limits()
    seed_zone_rules()


SEEDED_AT = sa.func.current_timestamp()


def seed_smoke_limits():
    limits = sa.table(
        'smoke_limits',
        sa.column('limit_class', sa.String), sa.column('power_from_kw', sa.Numeric),
        sa.column('power_to_kw', sa.Numeric), sa.column('k_limit', sa.Numeric),
        sa.column('ringelmann_max', sa.Integer),
        sa.column('created_at', sa.DateTime(timezone=True)), sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    bands = [
        ('I', 0, 19, '3.00'), ('I', 19, 37, '2.00'), ('I', 37, None, '1.61'),
        ('II', 0, 19, '2.00'), ('II', 19, 37, '1.00'), ('II', 37, None, '0.80'),
        ('III', 0, 37, '0.80'), ('III', 37, None, '0.50'),
    ]
    op.execute(limits.insert().values([
        {'limit_class': c, 'power_from_kw': lo, 'power_to_kw': hi, 'k_limit': k, 'ringelmann_max': 1,
         'created_at': SEEDED_AT, 'updated_at': SEEDED_AT}
        for c, lo, hi, k in bands
    ]))


def seed_zone_rules():
    zones = sa.table(
        'zone_rules',
        sa.column('code', sa.String), sa.column('name_zh', sa.String), sa.column('name_en', sa.String),
        sa.column('barred_stages', sa.JSON), sa.column('bar_failed_inspection', sa.Boolean),
        sa.column('smoke_classes', sa.JSON),
        sa.column('created_at', sa.DateTime(timezone=True)), sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    op.execute(zones.insert().values([
        {'code': 'general', 'name_zh': '一般区域', 'name_en': 'general area', 'barred_stages': [],
         'bar_failed_inspection': False,
         'smoke_classes': {'1': 'I', '2': 'I', 'X': 'I', '3': 'II', '4': 'II'},
         'created_at': SEEDED_AT, 'updated_at': SEEDED_AT},
        {'code': 'low_emission', 'name_zh': '低排放控制区（禁用区）', 'name_en': 'low-emission zone',
         'barred_stages': ['1', '2', 'X'], 'bar_failed_inspection': True,
         'smoke_classes': {'1': 'III', '2': 'III', 'X': 'III', '3': 'III', '4': 'III'},
         'created_at': SEEDED_AT, 'updated_at': SEEDED_AT},
    ]))


def downgrade():
    with op.batch_alter_table('machinery', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
        batch_op.drop_column('approved_at')

    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_inspections_site_id_sites'), type_='foreignkey')
        batch_op.drop_column('zone')
        batch_op.drop_column('site_id')
        batch_op.drop_column('limit_ringelmann')
        batch_op.drop_column('limit_class')

    with op.batch_alter_table('machinery_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_machinery_photos_machinery_id'))

    op.drop_table('machinery_photos')
    with op.batch_alter_table('machinery_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_machinery_history_machinery_id'))

    op.drop_table('machinery_history')
    op.drop_table('zone_rules')
    op.drop_table('smoke_limits')
    op.drop_table('registration_counters')
