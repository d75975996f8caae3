"""tasks and assessments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 08:50:48.499516
"""

from alembic import op
import sqlalchemy as sa
import openmsk.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('instrument', sa.String(length=32), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('total', sa.Float(), nullable=True),
    sa.Column('severity', sa.String(length=32), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('subscores', sa.JSON(), nullable=False),
    sa.Column('taken_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('program_week', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=True),
    sa.Column('recorded_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_assessments_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('member_id', 'idempotency_key', name=op.f('uq_assessments_member_id'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index('ix_assessments_member_instrument', ['member_id', 'instrument', 'taken_at'], unique=False)

    op.create_table('tasks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('assignee_role', sa.String(length=32), nullable=False),
    sa.Column('assignee_clinician_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('due_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_by', sa.String(length=36), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('dedup_key', sa.String(length=160), nullable=True),
    sa.ForeignKeyConstraint(['assignee_clinician_id'], ['clinicians.id'], name=op.f('fk_tasks_assignee_clinician_id_clinicians')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_tasks_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_tasks_dedup_key'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_assignee_clinician_id'), ['assignee_clinician_id'], unique=False)
        batch_op.create_index('ix_tasks_member', ['member_id', 'status'], unique=False)
        batch_op.create_index('ix_tasks_open_by_role', ['assignee_role', 'status', 'due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_open_by_role')
        batch_op.drop_index('ix_tasks_member')
        batch_op.drop_index(batch_op.f('ix_tasks_assignee_clinician_id'))

    op.drop_table('tasks')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_assessments_member_instrument')

    op.drop_table('assessments')
