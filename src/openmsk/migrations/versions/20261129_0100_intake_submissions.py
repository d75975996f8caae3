"""intake: submitted intakes with their routing decision, resumable drafts, reassessment schedules

Revision ID: 0100
Revises: 0002
Create Date: 2026-11-29 09:15:00
"""

from alembic import op
import sqlalchemy as sa
import openmsk.db


revision = '0100'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('intake_submissions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('submitted_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('risk_level', sa.String(length=16), nullable=False),
    sa.Column('risk_reasons', sa.JSON(), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('role_reasons', sa.JSON(), nullable=False),
    sa.Column('unfilled_roles', sa.JSON(), nullable=False),
    sa.Column('exercise_hold', sa.Boolean(), nullable=False),
    sa.Column('crisis_resources', sa.Boolean(), nullable=False),
    sa.Column('signals', sa.JSON(), nullable=False),
    sa.Column('submitted_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('member_id')
    )
    op.create_table('intake_drafts',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id')
    )
    op.create_table('intake_reassessment_schedules',
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('weeks', sa.JSON(), nullable=False),
    sa.Column('updated_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id')
    )


def downgrade() -> None:
    op.drop_table('intake_reassessment_schedules')
    op.drop_table('intake_drafts')
    op.drop_table('intake_submissions')
