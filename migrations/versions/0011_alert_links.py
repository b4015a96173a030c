"""alert links: each alert row gets a short random token for the link in its on-call text

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

``alerts.link_token`` is 10 base32 characters from ``secrets`` (50 bits). It is stored as is
(not hashed): the escalation text repeats the same link, and the link only leads a signed-in
staff member to a page their access rules already allow. It holds nothing about the client.
Older rows keep NULL (their texts had no link).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_token", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_alerts_link_token"), ["link_token"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_link_token"))
        batch_op.drop_column("link_token")
