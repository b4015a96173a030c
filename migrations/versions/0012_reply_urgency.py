"""reply urgency: whether life was in danger now (911 first) and the words that made it so

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

``replies.urgent`` is the understanding's ``urgent`` (a crisis where life is in danger now);
``replies.urgent_evidence`` the words of the reply that made it so (the rule's matched span or
the learned backstop's strongest features). The words quote the client's message: the column is
encrypted like ``replies.body`` and purged with it. Older rows keep NULL (read as not urgent).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgent", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("urgent_evidence", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.drop_column("urgent_evidence")
        batch_op.drop_column("urgent")
