"""motion sessions

Revision ID: 0400
Revises: 0002
Create Date: 2026-11-29 09:10:00
"""

from alembic import op
import sqlalchemy as sa
import openmsk.db


revision = '0400'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('motion_sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('exercise_id', sa.String(length=64), nullable=False),
    sa.Column('started_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('frames', sa.Integer(), nullable=False),
    sa.Column('reps', sa.Integer(), nullable=False),
    sa.Column('partial_reps', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.Column('rep_details', sa.JSON(), nullable=False),
    sa.Column('cues', sa.JSON(), nullable=False),
    sa.Column('trace', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_motion_sessions_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_motion_sessions'))
    )
    with op.batch_alter_table('motion_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_motion_sessions_member', ['member_id', 'started_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('motion_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_motion_sessions_member')
    op.drop_table('motion_sessions')
