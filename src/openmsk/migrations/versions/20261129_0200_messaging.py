"""messaging: threads, messages, read receipts, templates

Revision ID: 0200
Revises: 0002
Create Date: 2026-11-29 09:30:00
"""

from alembic import op
import sqlalchemy as sa
import openmsk.db


revision = "0200"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('message_templates',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('owner_user_id', sa.String(length=36), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_message_templates_owner_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_templates'))
    )
    op.create_index(op.f('ix_message_templates_owner_user_id'), 'message_templates', ['owner_user_id'], unique=False)
    op.create_table('message_threads',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('care_role', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_message_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('message_count', sa.Integer(), nullable=False),
    sa.Column('awaiting_since', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response_due_at', openmsk.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response_timezone', sa.String(length=64), nullable=True),
    sa.Column('open_task_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_message_threads_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_message_threads_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['open_task_id'], ['tasks.id'], name=op.f('fk_message_threads_open_task_id_tasks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_threads'))
    )
    op.create_index('ix_message_threads_due', 'message_threads', ['awaiting_since', 'response_due_at'], unique=False)
    op.create_index('ix_message_threads_member', 'message_threads', ['member_id', 'last_message_at'], unique=False)
    op.create_table('messages',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('thread_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('sender_user_id', sa.String(length=36), nullable=True),
    sa.Column('sender_kind', sa.String(length=16), nullable=False),
    sa.Column('sender_name', sa.String(length=200), nullable=False),
    sa.Column('sender_role', sa.String(length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('template_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=True),
    sa.Column('response_seconds', sa.Integer(), nullable=True),
    sa.Column('response_within_target', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_messages_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_user_id'], ['users.id'], name=op.f('fk_messages_sender_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], ['message_templates.id'], name=op.f('fk_messages_template_id_message_templates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['message_threads.id'], name=op.f('fk_messages_thread_id_message_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('sender_user_id', 'idempotency_key', name=op.f('uq_messages_sender_user_id'))
    )
    op.create_index(op.f('ix_messages_member_id'), 'messages', ['member_id'], unique=False)
    op.create_index('ix_messages_thread', 'messages', ['thread_id', 'created_at'], unique=False)
    op.create_table('message_reads',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('reader_name', sa.String(length=200), nullable=False),
    sa.Column('reader_role', sa.String(length=32), nullable=False),
    sa.Column('read_at', openmsk.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_reads_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_message_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_reads')),
    sa.UniqueConstraint('message_id', 'user_id', name=op.f('uq_message_reads_message_id'))
    )
    op.create_index('ix_message_reads_user', 'message_reads', ['user_id', 'message_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_message_reads_user', table_name='message_reads')
    op.drop_table('message_reads')
    op.drop_index('ix_messages_thread', table_name='messages')
    op.drop_index(op.f('ix_messages_member_id'), table_name='messages')
    op.drop_table('messages')
    op.drop_index('ix_message_threads_member', table_name='message_threads')
    op.drop_index('ix_message_threads_due', table_name='message_threads')
    op.drop_table('message_threads')
    op.drop_index(op.f('ix_message_templates_owner_user_id'), table_name='message_templates')
    op.drop_table('message_templates')
