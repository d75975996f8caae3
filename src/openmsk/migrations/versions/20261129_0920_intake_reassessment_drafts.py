"""intake reassessment drafts

Revision ID: 0920
Revises: 0900
Create Date: 2026-11-29 11:30:00
"""

from alembic import op
import sqlalchemy as sa
import openmsk.db


revision = '0920'
down_revision = '0900'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('intake_reassessment_drafts',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('instrument', sa.String(length=32), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=True),
    sa.Column('updated_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_intake_reassessment_drafts_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'instrument', name=op.f('pk_intake_reassessment_drafts'))
    )


def downgrade() -> None:
    op.drop_table('intake_reassessment_drafts')
