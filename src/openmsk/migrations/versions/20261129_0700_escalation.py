"""escalation events, alerts and admin rules

Revision ID: 0700
Revises: 0002
Create Date: 2026-11-29 09:10:00
"""

from alembic import op
import sqlalchemy as sa
import openmsk.db


revision = '0700'
down_revision = '0002'
branch_labels = None
depends_on = None


def _dt(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, openmsk.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table('escalation_events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=False),
    sa.Column('resource_type', sa.String(length=40), nullable=False),
    _dt('occurred_at'),
    sa.Column('status', sa.String(length=40), nullable=True),
    sa.Column('codes', sa.JSON(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('relevant', sa.Boolean(), nullable=False),
    _dt('received_at', False),
    _dt('updated_at', False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_escalation_events_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_events')),
    sa.UniqueConstraint('member_id', 'source_key', name=op.f('uq_escalation_events_member_id'))
    )
    op.create_index('ix_escalation_events_relevant', 'escalation_events', ['member_id', 'relevant'], unique=False)
    op.create_table('escalation_alerts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('dedup_key', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('rule_id', sa.String(length=80), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('rule_severity', sa.String(length=16), nullable=False),
    sa.Column('routed_role', sa.String(length=32), nullable=False),
    sa.Column('respond_within', sa.String(length=32), nullable=False),
    _dt('due_at', False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('actionable', sa.Boolean(), nullable=False),
    sa.Column('assignee_clinician_id', sa.String(length=36), nullable=True),
    _dt('snoozed_until'),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('outcome_note', sa.String(length=1000), nullable=False),
    sa.Column('resource', sa.String(length=200), nullable=False),
    sa.Column('related', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('episode', sa.String(length=200), nullable=False),
    _dt('occurred_at'),
    _dt('created_at', False),
    _dt('updated_at', False),
    _dt('acknowledged_at'),
    sa.Column('acknowledged_by', sa.String(length=36), nullable=True),
    _dt('resolved_at'),
    sa.Column('resolved_by', sa.String(length=36), nullable=True),
    _dt('escalated_at'),
    sa.Column('escalation_task_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_escalation_alerts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assignee_clinician_id'], ['clinicians.id'], name=op.f('fk_escalation_alerts_assignee_clinician_id_clinicians')),
    sa.ForeignKeyConstraint(['escalation_task_id'], ['tasks.id'], name=op.f('fk_escalation_alerts_escalation_task_id_tasks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_alerts')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_escalation_alerts_dedup_key'))
    )
    op.create_index('ix_escalation_alerts_worklist', 'escalation_alerts', ['actionable', 'status', 'due_at'], unique=False)
    op.create_index('ix_escalation_alerts_member', 'escalation_alerts', ['member_id', 'status'], unique=False)
    op.create_index('ix_escalation_alerts_updated', 'escalation_alerts', ['updated_at'], unique=False)
    op.create_table('escalation_rules',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rule_id', sa.String(length=80), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    _dt('created_at', False),
    _dt('updated_at', False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_rules')),
    sa.UniqueConstraint('rule_id', name=op.f('uq_escalation_rules_rule_id'))
    )


def downgrade() -> None:
    op.drop_table('escalation_rules')
    op.drop_index('ix_escalation_alerts_updated', table_name='escalation_alerts')
    op.drop_index('ix_escalation_alerts_member', table_name='escalation_alerts')
    op.drop_index('ix_escalation_alerts_worklist', table_name='escalation_alerts')
    op.drop_table('escalation_alerts')
    op.drop_index('ix_escalation_events_relevant', table_name='escalation_events')
    op.drop_table('escalation_events')
