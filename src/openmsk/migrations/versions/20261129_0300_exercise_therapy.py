"""exercise therapy: custom exercises, versioned plans, sessions, proposals, program settings

Revision ID: 0300
Revises: 0002
Create Date: 2026-11-29 09:05:00
"""

from alembic import op
import sqlalchemy as sa
import openmsk.db


revision = '0300'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exercise_custom',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_exercise_custom_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_custom'))
    )
    op.create_table('exercise_program_settings',
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('auto_apply_safe_progressions', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('updated_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_exercise_program_settings_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_exercise_program_settings_updated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_exercise_program_settings'))
    )
    op.create_table('exercise_plans',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('sessions_per_week', sa.Integer(), nullable=False),
    sa.Column('target_minutes', sa.Float(), nullable=False),
    sa.Column('library_version', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_by', sa.String(length=36), nullable=True),
    sa.Column('approved_at', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_exercise_plans_approved_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_exercise_plans_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_exercise_plans_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_plans')),
    sa.UniqueConstraint('member_id', 'version', name=op.f('uq_exercise_plans_member_id'))
    )
    op.create_table('exercise_sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('plan_version', sa.Integer(), nullable=False),
    sa.Column('completed_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('program_week', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('recorded_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_exercise_sessions_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['exercise_plans.id'], name=op.f('fk_exercise_sessions_plan_id_exercise_plans')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_exercise_sessions_recorded_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_sessions')),
    sa.UniqueConstraint('member_id', 'idempotency_key', name=op.f('uq_exercise_sessions_member_id'))
    )
    op.create_table('exercise_session_entries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.String(length=64), nullable=False),
    sa.Column('sets_done', sa.Integer(), nullable=True),
    sa.Column('reps_done', sa.Integer(), nullable=True),
    sa.Column('hold_s_done', sa.Integer(), nullable=True),
    sa.Column('minutes_done', sa.Integer(), nullable=True),
    sa.Column('difficulty', sa.String(length=16), nullable=True),
    sa.Column('pain_before', sa.Integer(), nullable=True),
    sa.Column('pain_after', sa.Integer(), nullable=True),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('skip_reason', sa.String(length=300), nullable=False),
    sa.Column('motion_summary', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['exercise_sessions.id'], name=op.f('fk_exercise_session_entries_session_id_exercise_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_session_entries')),
    sa.UniqueConstraint('session_id', 'exercise_id', name=op.f('uq_exercise_session_entries_session_id'))
    )
    op.create_table('exercise_proposals',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('exercise_id', sa.String(length=64), nullable=False),
    sa.Column('new_exercise_id', sa.String(length=64), nullable=False),
    sa.Column('new_dose', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('safe', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('dedup_key', sa.String(length=160), nullable=False),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=36), nullable=True),
    sa.Column('decided_at', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_exercise_proposals_decided_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_exercise_proposals_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['exercise_plans.id'], name=op.f('fk_exercise_proposals_plan_id_exercise_plans')),
    sa.ForeignKeyConstraint(['session_id'], ['exercise_sessions.id'], name=op.f('fk_exercise_proposals_session_id_exercise_sessions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_exercise_proposals_task_id_tasks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_proposals')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_exercise_proposals_dedup_key'))
    )
    op.create_index('ix_exercise_plans_member_status', 'exercise_plans', ['member_id', 'status'], unique=False)
    op.create_index('ix_exercise_sessions_member_time', 'exercise_sessions', ['member_id', 'completed_at'], unique=False)
    op.create_index('ix_exercise_proposals_member_status', 'exercise_proposals', ['member_id', 'status'], unique=False)
    op.create_index(op.f('ix_exercise_session_entries_session_id'), 'exercise_session_entries', ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_exercise_session_entries_session_id'), table_name='exercise_session_entries')
    op.drop_index('ix_exercise_proposals_member_status', table_name='exercise_proposals')
    op.drop_index('ix_exercise_sessions_member_time', table_name='exercise_sessions')
    op.drop_index('ix_exercise_plans_member_status', table_name='exercise_plans')
    op.drop_table('exercise_proposals')
    op.drop_table('exercise_session_entries')
    op.drop_table('exercise_sessions')
    op.drop_table('exercise_plans')
    op.drop_table('exercise_program_settings')
    op.drop_table('exercise_custom')
