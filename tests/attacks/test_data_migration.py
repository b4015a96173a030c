"""Migration 0008: names and external ids of an existing database encrypted in place,
resumably (review finding 2 of issue 11)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from notifier.core import db as dbmod
from notifier.core.crypto import Crypto
from notifier.core.db import Database
from notifier.roster.clients import client_by_external_id
from tests.conftest import TEST_CRYPTO, TEST_KEY

NAMES = ["Ana", "Ben", "Carla", "Dev", "Erin", "Frank", "Gia", "Hal", "Ivy", "Jon"]


def _revision_before_0008() -> str:
    from alembic.script import ScriptDirectory

    down = ScriptDirectory.from_config(dbmod.alembic_config("sqlite://")).get_revision("0008")
    assert down is not None and isinstance(down.down_revision, str)
    return down.down_revision


# Whatever migration runs just before this one: names and ids were still in clear there.
BEFORE = _revision_before_0008()


@pytest.fixture
def url_at_0005(database_url: str, tmp_path: object) -> Iterator[str]:
    """A fresh database at revision 0005 (before this change), on each backend."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/old.db"  # type: ignore[str-bytes-safe]
        command.upgrade(dbmod.alembic_config(url), BEFORE)
        yield url
        return
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    name = f"notifier_mig_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    command.upgrade(dbmod.alembic_config(url), BEFORE)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill(url: str) -> None:
    """Clients as revision 0005 stored them: phones encrypted, names and ids in clear."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for i, name in enumerate(NAMES, start=1):
            phone = f"+1312555{i:04d}"
            conn.execute(
                text(
                    "INSERT INTO clients (id, external_id, first_name, phone, phone_hash, "
                    "group_name, timezone, language, created_at, updated_at) VALUES (:id, :e, "
                    ":f, :p, :h, 'evening', 'UTC', 'en', :t, :t)"
                ),
                {"id": i, "e": f"C{i:03d}", "f": name, "p": TEST_CRYPTO.encrypt(phone),
                 "h": TEST_CRYPTO.lookup_hash(phone), "t": "2026-11-01 00:00:00"},
            )  # fmt: skip
        conn.execute(text(
            "INSERT INTO replies (id, client_id, received_at, body, category, source, "
            "created_at) VALUES (1, 2, '2026-11-02 00:00:00', :b, 'crisis', 'webhook', "
            "'2026-11-02 00:00:00')"), {"b": TEST_CRYPTO.encrypt("help")})  # fmt: skip
    engine.dispose()


def raw(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def revision(url: str) -> str | None:
    return raw(url, "SELECT version_num FROM alembic_version")[0][0]  # type: ignore[return-value]


def upgrade(url: str, crypto: Crypto | None, batch_size: int = 500) -> None:
    cfg = dbmod.alembic_config(url, crypto)
    cfg.attributes["batch_size"] = batch_size
    command.upgrade(cfg, "0008")


def assert_all_encrypted_and_readable(url: str) -> None:
    rows = raw(
        url,
        "SELECT c.external_id, c.first_name, c.external_id_hash, r.category FROM clients c "
        "LEFT JOIN replies r ON r.client_id = c.id ORDER BY c.id",
    )
    assert len(rows) == len(NAMES)
    dump = repr(rows)
    for i, name in enumerate(NAMES, start=1):
        # Whole quoted cells: a bare "C001" can turn up by chance inside a ciphertext token.
        assert f"'{name}'" not in dump and f"'C{i:03d}'" not in dump
    assert all(str(e).startswith("gAAAAA") and str(f).startswith("gAAAAA") for e, f, _, _ in rows)
    d = Database(url, crypto=TEST_CRYPTO)
    with d.read() as s:
        for i, name in enumerate(NAMES, start=1):
            client = client_by_external_id(s, TEST_CRYPTO, f"C{i:03d}")
            assert client is not None and client.first_name == name and client.id == i
    d.dispose()


def test_migration_0008_encrypts_names_and_ids_in_place(url_at_0005: str) -> None:
    fill(url_at_0005)
    upgrade(url_at_0005, TEST_CRYPTO, batch_size=4)
    assert revision(url_at_0005) == "0008"
    assert_all_encrypted_and_readable(url_at_0005)


def test_migration_0008_refuses_without_the_key_and_changes_nothing(url_at_0005: str) -> None:
    fill(url_at_0005)
    with pytest.raises(RuntimeError, match="notifier db upgrade"):
        upgrade(url_at_0005, None)
    assert revision(url_at_0005) == BEFORE
    assert raw(url_at_0005, "SELECT first_name FROM clients WHERE id = 2") == [("Ben",)]


class CrashingCrypto(Crypto):
    """The real cipher, but the process 'dies' after ``limit`` encryptions (a kill, an
    out-of-memory, a lost connection half way through the upgrade)."""

    def __init__(self, limit: int) -> None:
        super().__init__([TEST_KEY])
        self.left = limit

    def encrypt(self, value: str) -> str:
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return super().encrypt(value)


def test_migration_0008_resumes_after_being_killed_mid_way(url_at_0005: str) -> None:
    fill(url_at_0005)
    # Batches of 3 rows, 2 values each: the crash comes inside the second batch.
    with pytest.raises(KeyboardInterrupt):
        upgrade(url_at_0005, CrashingCrypto(limit=8), batch_size=3)
    assert revision(url_at_0005) == BEFORE  # not recorded as done...
    rows = raw(url_at_0005, "SELECT id, external_id, first_name FROM clients "
                            "WHERE external_id_hash IS NOT NULL ORDER BY id")  # fmt: skip
    assert [r[0] for r in rows] == [1, 2, 3]  # ...but the first batch is kept, encrypted
    assert all(str(r[1]).startswith("gAAAAA") for r in rows)
    assert raw(url_at_0005, "SELECT first_name FROM clients WHERE id = 4") == [("Dev",)]
    upgrade(url_at_0005, TEST_CRYPTO, batch_size=3)  # run it again: it finishes
    assert revision(url_at_0005) == "0008"
    assert_all_encrypted_and_readable(url_at_0005)
    again = raw(url_at_0005, "SELECT id, external_id, first_name FROM clients WHERE id <= 3 "
                             "ORDER BY id")  # fmt: skip
    assert again == rows  # converted rows were recognised and skipped, not encrypted twice


def test_upgrading_through_0008_from_an_empty_database_needs_no_key(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/empty.db"  # type: ignore[str-bytes-safe]
    dbmod.upgrade(url)
    assert revision(url) == dbmod.head_revision()
