"""client names and external ids encrypted at rest; external ids found by a keyed hash

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

With first_name and external_id in clear beside the reply categories, a copied database said
who is in treatment and who is in crisis. Both become Fernet tokens, as phones did in 0003,
with the key `notifier db upgrade` passes in (config.attributes["crypto"]); uniqueness moves to
``external_id_hash``.

Converted in place and resumable: the schema change is committed first, then rows are
encrypted in batches, each committed on its own. A row's hash is set in the same UPDATE as its
ciphertext, so a converted row is recognised by its hash and skipped: a run that is killed
half way is finished by running the upgrade again. Only when no row is left is the hash made
NOT NULL and unique and the revision recorded.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 500  # rows per committed batch (config.attributes["batch_size"] overrides, for tests)


def upgrade() -> None:
    conn = op.get_bind()
    # Refuse before touching anything: SQLite DDL is not transactional.
    if _rows_to_convert(conn) and _crypto() is None:
        raise RuntimeError(
            "this upgrade encrypts client names and ids: run it with `notifier db upgrade`"
        )
    if "external_id_hash" not in _columns(conn):
        # A kill during SQLite's table rebuild can leave its copy behind; start it again.
        op.execute("DROP TABLE IF EXISTS _alembic_tmp_clients")
        with op.batch_alter_table("clients", schema=None) as batch_op:
            batch_op.drop_constraint("uq_clients_external_id", type_="unique")
            batch_op.alter_column("external_id", type_=sa.Text(), existing_type=sa.String(64))
            batch_op.alter_column("first_name", type_=sa.Text(), existing_type=sa.String(80))
            batch_op.add_column(sa.Column("external_id_hash", sa.String(length=64)))
    if _rows_to_convert(conn):
        # Commits what came before (the schema change), then each batch commits on its own.
        with op.get_context().autocommit_block():
            _encrypt_in_batches(op.get_bind().engine, _crypto(), _batch_size())
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.alter_column("external_id_hash", nullable=False, existing_type=sa.String(64))
        batch_op.create_unique_constraint(
            batch_op.f("uq_clients_external_id_hash"), ["external_id_hash"]
        )


def _crypto() -> Any:
    config = op.get_context().config
    return config.attributes.get("crypto") if config is not None else None


def _batch_size() -> int:
    config = op.get_context().config
    size = config.attributes.get("batch_size") if config is not None else None
    return int(size or BATCH)


def _columns(conn: sa.Connection) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns("clients")}


def _rows_to_convert(conn: sa.Connection) -> bool:
    if "external_id_hash" not in _columns(conn):
        return conn.execute(sa.text("SELECT 1 FROM clients LIMIT 1")).first() is not None
    pending = "SELECT 1 FROM clients WHERE external_id_hash IS NULL LIMIT 1"
    return conn.execute(sa.text(pending)).first() is not None


def _encrypt_in_batches(engine: sa.Engine, crypto: Any, size: int) -> None:
    pick = sa.text(
        "SELECT id, external_id, first_name FROM clients WHERE external_id_hash IS NULL "
        "ORDER BY id LIMIT :n"
    )
    # Guarded on the values read: a row changed meanwhile is simply read again next round.
    write = sa.text(
        "UPDATE clients SET external_id = :e, first_name = :f, external_id_hash = :h "
        "WHERE id = :id AND external_id_hash IS NULL AND external_id = :old_e "
        "AND first_name = :old_f"
    )
    while True:
        with engine.begin() as conn:
            rows = conn.execute(pick, {"n": size}).all()
            if not rows:
                return
            conn.execute(
                write,
                [
                    {
                        "id": row_id,
                        "e": crypto.encrypt(external_id),
                        "f": crypto.encrypt(first_name),
                        "h": crypto.external_id_hash(external_id),
                        "old_e": external_id,
                        "old_f": first_name,
                    }
                    for row_id, external_id, first_name in rows
                ],
            )


def downgrade() -> None:
    conn = op.get_bind()
    crypto = _crypto()
    rows = conn.execute(sa.text("SELECT id, external_id, first_name FROM clients")).all()
    if rows and crypto is None:
        raise RuntimeError("this downgrade decrypts client names and ids: it needs the key")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_constraint("uq_clients_external_id_hash", type_="unique")
        batch_op.drop_column("external_id_hash")
    for row_id, external_id, first_name in rows:
        conn.execute(
            sa.text("UPDATE clients SET external_id = :e, first_name = :f WHERE id = :id"),
            {"id": row_id, "e": crypto.decrypt(external_id), "f": crypto.decrypt(first_name)},
        )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.alter_column("external_id", type_=sa.String(64), existing_type=sa.Text())
        batch_op.alter_column("first_name", type_=sa.String(80), existing_type=sa.Text())
        batch_op.create_unique_constraint("uq_clients_external_id", ["external_id"])
