"""merge the capability branches (intake, messaging, exercise, motion, coaching, interop, escalation)

Revision ID: 0900
Revises: 0100, 0200, 0300, 0400, 0500, 0600, 0700
Create Date: 2026-11-29 10:00:00
"""

revision = "0900"
down_revision = ("0100", "0200", "0300", "0400", "0500", "0600", "0700")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
