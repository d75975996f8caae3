"""coaching: goals, check-ins, nudge outbox and preferences, notes, device, medication, weight and diet logs

Revision ID: 0500
Revises: 0002
Create Date: 2026-11-29 09:10:00
"""

from alembic import op
import sqlalchemy as sa
import openmsk.db


revision = '0500'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coaching_device_sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('started_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('duration_min', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=24), nullable=False),
    sa.Column('intensity', sa.Float(), nullable=False),
    sa.Column('body_site', sa.String(length=32), nullable=False),
    sa.Column('pain_before', sa.Integer(), nullable=False),
    sa.Column('pain_after', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_coaching_device_sessions_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_device_sessions')),
    sa.UniqueConstraint('member_id', 'started_at', name=op.f('uq_coaching_device_sessions_member_id'))
    )
    op.create_index(op.f('ix_coaching_device_sessions_member_id'), 'coaching_device_sessions', ['member_id'], unique=False)
    op.create_table('coaching_diet_logs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('ssb_servings', sa.Integer(), nullable=False),
    sa.Column('fruit_veg_servings', sa.Integer(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_coaching_diet_logs_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_diet_logs')),
    sa.UniqueConstraint('member_id', 'day', name=op.f('uq_coaching_diet_logs_member_id'))
    )
    op.create_index(op.f('ix_coaching_diet_logs_member_id'), 'coaching_diet_logs', ['member_id'], unique=False)
    op.create_table('coaching_goals',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('habit', sa.String(length=32), nullable=False),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('days_per_week', sa.Integer(), nullable=False),
    sa.Column('by_date', sa.Date(), nullable=False),
    sa.Column('confidence', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('agreed_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('achieved_at', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_coaching_goals_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_goals'))
    )
    op.create_index(op.f('ix_coaching_goals_member_id'), 'coaching_goals', ['member_id'], unique=False)
    op.create_table('coaching_medications',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('rxcuis', sa.JSON(), nullable=False),
    sa.Column('dose_value', sa.Float(), nullable=True),
    sa.Column('dose_unit', sa.String(length=24), nullable=True),
    sa.Column('doses_per_day', sa.Float(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('stopped_on', sa.Date(), nullable=True),
    sa.Column('replaces_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_coaching_medications_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_medications'))
    )
    op.create_index(op.f('ix_coaching_medications_member_id'), 'coaching_medications', ['member_id'], unique=False)
    op.create_table('coaching_notes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('body', sa.String(length=4000), nullable=False),
    sa.Column('author_user_id', sa.String(length=36), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('author_role', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], name=op.f('fk_coaching_notes_author_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_coaching_notes_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_notes'))
    )
    op.create_index('ix_coaching_notes_member', 'coaching_notes', ['member_id', 'topic', 'created_at'], unique=False)
    op.create_table('coaching_preferences',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('quiet_start', sa.String(length=5), nullable=False),
    sa.Column('quiet_end', sa.String(length=5), nullable=False),
    sa.Column('max_per_day', sa.Integer(), nullable=False),
    sa.Column('max_per_week', sa.Integer(), nullable=False),
    sa.Column('opted_out_kinds', sa.JSON(), nullable=False),
    sa.Column('opted_out_channels', sa.JSON(), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('device_max_intensity', sa.Float(), nullable=True),
    sa.Column('updated_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_coaching_preferences_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_coaching_preferences'))
    )
    op.create_table('coaching_weights',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('weight_kg', sa.Float(), nullable=False),
    sa.Column('height_cm', sa.Float(), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_coaching_weights_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_weights')),
    sa.UniqueConstraint('member_id', 'measured_on', name=op.f('uq_coaching_weights_member_id'))
    )
    op.create_index(op.f('ix_coaching_weights_member_id'), 'coaching_weights', ['member_id'], unique=False)
    op.create_table('coaching_checkins',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('goal_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['coaching_goals.id'], name=op.f('fk_coaching_checkins_goal_id_coaching_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_coaching_checkins_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_checkins')),
    sa.UniqueConstraint('goal_id', 'day', name=op.f('uq_coaching_checkins_goal_id'))
    )
    op.create_index(op.f('ix_coaching_checkins_member_id'), 'coaching_checkins', ['member_id'], unique=False)
    op.create_table('coaching_nudges',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('episode', sa.String(length=120), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_until', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('responded_at', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_coaching_nudges_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_coaching_nudges_task_id_tasks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_nudges')),
    sa.UniqueConstraint('key', name=op.f('uq_coaching_nudges_key'))
    )
    op.create_index('ix_coaching_nudges_due', 'coaching_nudges', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_coaching_nudges_member_id'), 'coaching_nudges', ['member_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_coaching_nudges_member_id'), table_name='coaching_nudges')
    op.drop_index('ix_coaching_nudges_due', table_name='coaching_nudges')
    op.drop_table('coaching_nudges')
    op.drop_index(op.f('ix_coaching_checkins_member_id'), table_name='coaching_checkins')
    op.drop_table('coaching_checkins')
    op.drop_index(op.f('ix_coaching_weights_member_id'), table_name='coaching_weights')
    op.drop_table('coaching_weights')
    op.drop_table('coaching_preferences')
    op.drop_index('ix_coaching_notes_member', table_name='coaching_notes')
    op.drop_table('coaching_notes')
    op.drop_index(op.f('ix_coaching_medications_member_id'), table_name='coaching_medications')
    op.drop_table('coaching_medications')
    op.drop_index(op.f('ix_coaching_goals_member_id'), table_name='coaching_goals')
    op.drop_table('coaching_goals')
    op.drop_index(op.f('ix_coaching_diet_logs_member_id'), table_name='coaching_diet_logs')
    op.drop_table('coaching_diet_logs')
    op.drop_index(op.f('ix_coaching_device_sessions_member_id'), table_name='coaching_device_sessions')
    op.drop_table('coaching_device_sessions')
