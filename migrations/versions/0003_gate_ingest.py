"""gate ingest

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dead_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dead_letters'))
    )
    with op.batch_alter_table('dead_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dead_letters_received_at'), ['received_at'], unique=False)

    op.create_table('pass_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plate_event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.String(length=30), nullable=True),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plate_event_id'], ['plate_events.id'], name=op.f('fk_pass_images_plate_event_id_plate_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pass_images'))
    )
    with op.batch_alter_table('pass_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pass_images_plate_event_id'), ['plate_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pass_images_sha256'), ['sha256'], unique=False)

    op.create_table('plate_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plate_event_id', sa.Integer(), nullable=False),
    sa.Column('gate_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('plate_raw', sa.String(length=32), nullable=False),
    sa.Column('plate_color', sa.Enum('blue', 'yellow', 'yellow_green', 'green', 'white', 'black', name='plate_color', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['gate_id'], ['gates.id'], name=op.f('fk_plate_reads_gate_id_gates')),
    sa.ForeignKeyConstraint(['plate_event_id'], ['plate_events.id'], name=op.f('fk_plate_reads_plate_event_id_plate_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plate_reads')),
    sa.UniqueConstraint('gate_id', 'event_id', name=op.f('uq_plate_reads_gate_id_event_id'))
    )
    with op.batch_alter_table('plate_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plate_reads_plate_event_id'), ['plate_event_id'], unique=False)

    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mqtt_password_hash', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('device_sn', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_gates_device_sn'), ['device_sn'])

    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emission_stage', sa.String(length=1), nullable=True))



def downgrade():
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.drop_column('emission_stage')

    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_gates_device_sn'), type_='unique')
        batch_op.drop_column('device_sn')
        batch_op.drop_column('mqtt_password_hash')

    with op.batch_alter_table('plate_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plate_reads_plate_event_id'))

    op.drop_table('plate_reads')
    with op.batch_alter_table('pass_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pass_images_sha256'))
        batch_op.drop_index(batch_op.f('ix_pass_images_plate_event_id'))

    op.drop_table('pass_images')
    with op.batch_alter_table('dead_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dead_letters_received_at'))

    op.drop_table('dead_letters')
