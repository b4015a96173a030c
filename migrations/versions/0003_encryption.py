"""encryption at rest: phone numbers and bodies as Fernet tokens, phone lookup by keyed hash

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Existing plaintext rows (a database from before this revision) are encrypted in place; that
needs the key, which `notifier db upgrade` passes in (config.attributes["crypto"]).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TOKEN_PREFIX = "gAAAAA"


def upgrade() -> None:
    # Refuse before touching anything: SQLite DDL is not transactional.
    if _plaintext_rows() and _crypto() is None:
        raise RuntimeError("this upgrade encrypts existing rows: run it with `notifier db upgrade`")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_hash", sa.String(length=64), nullable=True))
        batch_op.alter_column("phone", type_=sa.Text(), existing_type=sa.String(length=32))
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.alter_column("recipient", type_=sa.Text(), existing_type=sa.String(length=32))
    _encrypt_existing_rows()
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.alter_column("phone_hash", nullable=False, existing_type=sa.String(length=64))
        batch_op.create_unique_constraint(batch_op.f("uq_clients_phone_hash"), ["phone_hash"])


PLAIN = [("clients", "phone"), ("messages", "body"), ("messages", "recipient"), ("replies", "body")]


def _crypto() -> Any:
    config = op.get_context().config
    return config.attributes.get("crypto") if config is not None else None


def _plaintext_rows() -> bool:
    conn = op.get_bind()
    return any(
        conn.execute(
            sa.text(
                f"SELECT 1 FROM {table} WHERE {column} IS NOT NULL AND {column} <> '' "
                f"AND {column} NOT LIKE '{TOKEN_PREFIX}%' LIMIT 1"
            )
        ).first()
        for table, column in PLAIN
    )


def _encrypt_existing_rows() -> None:
    conn = op.get_bind()
    crypto = _crypto()
    if crypto is None or not _plaintext_rows():
        return
    for table, column in PLAIN:
        rows = conn.execute(
            sa.text(
                f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> '' "
                f"AND {column} NOT LIKE '{TOKEN_PREFIX}%'"
            )
        ).all()
        for row_id, value in rows:
            values = {"id": row_id, "v": crypto.encrypt(value)}
            extra = ""
            if table == "clients":
                extra, values["h"] = ", phone_hash = :h", crypto.lookup_hash(value)
            conn.execute(sa.text(f"UPDATE {table} SET {column} = :v{extra} WHERE id = :id"), values)


def downgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_clients_phone_hash"), type_="unique")
        batch_op.drop_column("phone_hash")
