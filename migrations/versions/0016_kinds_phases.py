"""kinds of meeting and phases: client_phases, support_persons

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-06

``client_phases`` holds a phase staff set for a client (no row: the phase follows the weeks
since the start date, NOTIFIER_PHASES). ``support_persons`` holds the people a client named
for family session reminders, with the client's written 42 CFR Part 2 consent (who, number,
purpose, signed on, expiry, revocation); name and number are encrypted like a client's.
Sessions' new kinds (family, workshop) fit the existing ``sessions.kind`` column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_phases",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_phases_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_phases")),
    )
    op.create_table(
        "support_persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("relationship", sa.String(length=40), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_support_persons_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_persons")),
    )
    op.create_index(
        op.f("ix_support_persons_client_id"), "support_persons", ["client_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_support_persons_client_id"), table_name="support_persons")
    op.drop_table("support_persons")
    op.drop_table("client_phases")
