"""throttle: token buckets in the database (failed staff authentication, per client address)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

A limit kept in one process would reset on restart and multiply by the number of replicas; in
the database it holds across both. Keys are a bucket name and a keyed hash, never an address.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "throttle",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle")),
    )
    op.create_index(op.f("ix_throttle_updated_at"), "throttle", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_throttle_updated_at"), table_name="throttle")
    op.drop_table("throttle")
