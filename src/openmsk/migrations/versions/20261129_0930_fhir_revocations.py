"""fhir revocations: revoked machine clients and disabled provider feeds

Revision ID: 0930
Revises: 0920
Create Date: 2026-11-29 11:10:00
"""

from alembic import op
import sqlalchemy as sa
import openmsk.db


revision = '0930'
down_revision = '0920'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fhir_revocations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.String(length=36), nullable=False),
    sa.Column('revoked_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_by', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fhir_revocations')),
    sa.UniqueConstraint('kind', 'target_id', name='uq_fhir_revocations_target')
    )


def downgrade() -> None:
    op.drop_table('fhir_revocations')
