"""claim order index: (status, due_at, id) replaces (status, due_at)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

Thousands of rows fall due at the same instant (everyone's noon check-in). Claims take them in
(due_at, id) order; with id in the index a claim reads its batch straight off the index
instead of sorting every due row first.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_status_due")
        batch_op.create_index("ix_messages_claim_order", ["status", "due_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_claim_order")
        batch_op.create_index("ix_messages_status_due", ["status", "due_at"], unique=False)
