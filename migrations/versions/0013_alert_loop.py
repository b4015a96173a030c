"""the alert loop: an alert lives until a person is reached; its history; unknown senders

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-06

``alerts`` gains its level (how it escalates), state (open, claimed, closed), tier, when
escalation next acts and why, the claim, the number of tries, the episode's rate limits, an
unknown sender's number (encrypted, forgotten after 72 hours) and, for an alert about a reply
that did not arrive, that message's id. ``alert_events`` holds every step with who and when;
notes and the §2.51 record of a disclosure to emergency services are encrypted.

Existing rows: an acknowledged alert is closed with its outcome as its one event (a "left a
message" then closed it, which is what the loop no longer does; nobody can record a second try
on a row that old, and reopening them could page people for last month's messages). Call-backs
become tasks; crisis and concern keep their level. Nothing older is escalated again (due_at
stays NULL).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("level", sa.String(length=8), nullable=False, server_default="crisis")
        )
        batch_op.add_column(
            sa.Column("state", sa.String(length=8), nullable=False, server_default="open")
        )
        batch_op.add_column(sa.Column("tier", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("due_reason", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("deadline", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("discreet", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("told_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("followup_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sender", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("sender_ref", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("sender_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_alerts_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_sender_ref"), ["sender_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_message_id"), ["message_id"], unique=True)

    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("reply_id", sa.Integer(), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=120), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("disclosed_to", sa.Text(), nullable=True),
        sa.Column("facility", sa.Text(), nullable=True),
        sa.Column("emergency", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_events_alert_id_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
    )
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_events_alert_id"), ["alert_id"], unique=False)

    alerts = sa.table(
        "alerts",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("level", sa.String()),
        sa.column("state", sa.String()),
        sa.column("tier", sa.Integer()),
        sa.column("acknowledged_at", sa.DateTime(timezone=True)),
        sa.column("escalated_at", sa.DateTime(timezone=True)),
    )
    op.execute(alerts.update().where(alerts.c.kind == "concern").values(level="concern"))
    op.execute(alerts.update().where(alerts.c.kind == "callback").values(level="task"))
    op.execute(alerts.update().where(alerts.c.escalated_at.is_not(None)).values(tier=1))
    op.execute(alerts.update().where(alerts.c.acknowledged_at.is_not(None)).values(state="closed"))
    # The outcome already recorded becomes the history's one event; its note stays on the
    # alert row (it is encrypted there; copying it would need the key, which SQL has not).
    op.execute(
        "INSERT INTO alert_events (alert_id, at, event, staff_id) "
        "SELECT id, acknowledged_at, outcome, acknowledged_by FROM alerts "
        "WHERE acknowledged_at IS NOT NULL AND outcome IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_events_alert_id"))
    op.drop_table("alert_events")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_message_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_sender_ref"))
        batch_op.drop_index(batch_op.f("ix_alerts_due_at"))
        batch_op.drop_index(batch_op.f("ix_alerts_state"))
        for name in (
            "message_id", "sender_until", "sender_ref", "sender", "followup_at", "told_at",
            "discreet", "urgent", "attempts", "claimed_until", "claimed_by", "deadline",
            "due_reason", "due_at", "tier", "state", "level",
        ):  # fmt: skip
            batch_op.drop_column(name)
