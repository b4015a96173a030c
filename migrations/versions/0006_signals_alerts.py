"""signals and rule on replies; the alerts table

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

``replies.signals`` holds the understanding's signals as a JSON list (NULL on older rows, read
as []), ``replies.rule`` the name of the rule that decided. ``alerts`` has one row per staff
alert a reply raised (crisis, concern, call-back); ``acknowledged_by`` has no foreign key
because the staff table does not exist yet.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signals", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rule", sa.String(length=64), nullable=True))
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("reply_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notify_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_alerts_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"], ["replies.id"], name=op.f("fk_alerts_reply_id_replies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_reply_id"), ["reply_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_created_at"))
        batch_op.drop_index(batch_op.f("ix_alerts_reply_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_client_id"))
    op.drop_table("alerts")
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.drop_column("rule")
        batch_op.drop_column("signals")
