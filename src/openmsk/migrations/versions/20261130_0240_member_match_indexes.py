"""member match indexes: the FHIR import's candidate search by birth date or family name

Revision ID: 0940
Revises: 0930
Create Date: 2026-11-30 02:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0940'
down_revision = '0930'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_members_birth_date', 'members', ['birth_date'])
    op.create_index('ix_members_family_name_lower', 'members', [sa.text('lower(family_name)')])


def downgrade() -> None:
    op.drop_index('ix_members_family_name_lower', table_name='members')
    op.drop_index('ix_members_birth_date', table_name='members')
