"""Retention and key rotation leave nothing behind (review finding 7 of issue 11): failed
inbox rows were never purged, and `keys rotate` skipped the inbox, so removing an old key
stranded them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from notifier.cli import main
from notifier.core.columns import EncryptedText
from notifier.core.crypto import Crypto, new_key
from notifier.core.db import Database
from notifier.core.keys import ENCRYPTED, HASHED, rotate
from notifier.core.models import INBOX, Base, Client, InboxItem
from notifier.core.settings import Settings
from notifier.inbound.inbox import DEAD
from notifier.retention import purge
from tests.conftest import TEST_CRYPTO, TEST_KEY
from tests.helpers import add_client

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


def inbox_row(db: Database, sid: str, received_at: datetime, claimed_by: str | None) -> None:
    with db.session() as s:
        s.execute(insert(INBOX).values(
            provider_sid=sid, from_phone="+13125550101", body="words nobody should keep",
            opt_out_type=None, urgent=False, received_at=received_at, claimed_by=claimed_by,
            claimed_at=received_at if claimed_by else None, attempts=5 if claimed_by else 0,
            last_error="ValueError" if claimed_by else None))  # fmt: skip


def inbox_sids(db: Database) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(InboxItem.provider_sid)))


def test_failed_inbox_rows_are_purged_after_the_retention(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=database.url, retention="30d")
    inbox_row(database, "SMold-failed", NOW - timedelta(days=31), DEAD)
    inbox_row(database, "SMnew-failed", NOW - timedelta(days=29), DEAD)  # a person may look
    inbox_row(database, "SMold-waiting", NOW - timedelta(days=31), None)  # still to process
    first = purge(database, settings, NOW)
    assert first.inbox_rows == 1
    assert inbox_sids(database) == {"SMnew-failed", "SMold-waiting"}
    assert purge(database, settings, NOW).inbox_rows == 0  # idempotent


def test_purge_command_says_how_many_failed_inbox_rows_it_deleted(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / "settings.env"
    env.write_text(
        (ROOT / "settings.example.env").read_text()
        .replace("NOTIFIER_DATABASE_URL=sqlite:///notifier.db",
                 f"NOTIFIER_DATABASE_URL={sqlite_url}")
        .replace("NOTIFIER_ENCRYPTION_KEYS=", f"NOTIFIER_ENCRYPTION_KEYS={TEST_KEY}")
    )  # fmt: skip
    d = Database(sqlite_url, crypto=TEST_CRYPTO)
    inbox_row(d, "SMold-failed", NOW - timedelta(days=400), DEAD)
    d.dispose()
    assert main(["--env-file", str(env), "purge", "--now", NOW.isoformat()]) == 0
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "1 failed inbox row(s)" in line


def test_key_rotation_reaches_the_inbox(database: Database) -> None:
    inbox_row(database, "SMfailed", NOW, DEAD)  # kept for a person to look at
    old_and_new = Crypto([new_key(), TEST_KEY])
    rotate(Database(database.url, crypto=old_and_new), old_and_new, batch=10)
    only_new = Database(database.url, crypto=Crypto([old_and_new.keys[0]]))
    with only_new.read() as s:
        row = s.scalar(select(InboxItem))
        assert row is not None and row.body == "words nobody should keep"
        assert row.from_phone == "+13125550101"
    only_new.dispose()


# Hashes that do not depend on the encryption key (a password's argon2id, a token's SHA-256):
# rotation has nothing to recompute there.
NOT_KEYED = {
    ("staff", "password_hash"),
    ("staff", "setup_token_hash"),
    ("staff_sessions", "token_hash"),
}


def test_key_rotation_covers_every_encrypted_column_in_the_models() -> None:
    """The next table with an encrypted column cannot be forgotten by `keys rotate`."""
    rotated = {(table, column) for table, columns in ENCRYPTED for column in columns}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                assert (table.name, column.name) in rotated, f"{table.name}.{column.name}"
            if (table.name, column.name) in NOT_KEYED:
                continue
            if column.name.endswith("_hash"):  # a keyed hash follows its value's key
                assert column.name in HASHED.get(table.name, {}), f"{table.name}.{column.name}"
    assert {("clients", "first_name"), ("clients", "external_id"), ("inbox", "body"),
            ("inbox", "from_phone")} <= rotated  # fmt: skip


def test_key_rotation_reencrypts_names_and_rehashes_ids(database: Database) -> None:
    add_client(database, "C002", first_name="Ben", phone="+13125550102", now=NOW)
    new = new_key()
    both = Crypto([new, TEST_KEY])
    rotate(Database(database.url, crypto=both), both, batch=10)
    only_new = Crypto([new])
    d = Database(database.url, crypto=only_new)  # the old key is gone
    from notifier.roster.clients import client_by_external_id

    with d.read() as s:
        client = client_by_external_id(s, only_new, "C002")
        assert client is not None and client.first_name == "Ben"
        assert client.external_id_hash == only_new.external_id_hash("C002")
        assert client.phone_hash == only_new.lookup_hash("+13125550102")
        assert s.scalar(select(func.count()).select_from(Client)) == 1
    d.dispose()


# --- alert notes (issue 17, N11) -----------------------------------------------------------------
def test_alert_notes_are_erased_with_the_replies(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """Notes staff write about an alert are health information too: they were kept for ever."""
    from notifier.core.models import Alert
    from notifier.inbound import outcomes
    from notifier.service import Service
    from notifier.staff import accounts
    from tests.fakes.transport import FakeTransport

    settings = make_settings(database_url=database.url, retention="30d")
    svc = Service(settings, transport=FakeTransport(), clock=lambda: NOW)
    add_client(database, "C1", phone="+13125550101", now=NOW - timedelta(days=60))
    accounts.add(database, settings, email="ana@clinic.org", name="Ana", role="admin",
                 groups=(), now=NOW, password="correct horse battery staple")  # fmt: skip
    with database.read() as s:
        staff_id = s.scalar(select(accounts.Staff.id))
    assert staff_id is not None
    who = outcomes.Who(staff_id, "cli")
    ids = []
    # Two episodes: each alert is closed (a person reached) before the next message comes.
    for days_ago in (40, 10):
        svc.receive(from_phone="+13125550101", body="i want to die",
                    now=NOW - timedelta(days=days_ago))  # fmt: skip
        with database.read() as s:
            alert_id = s.scalar(select(Alert.id).order_by(Alert.id.desc()))
        assert alert_id is not None and alert_id not in ids
        ids.append(alert_id)
        outcomes.record(database, settings, alert_id=alert_id, outcome="reached",
                        note="spoke with her sister, she is safe tonight", who=who,
                        now=NOW - timedelta(days=days_ago - 1))  # fmt: skip
    result = purge(database, settings, NOW)
    assert result.alert_notes >= 1
    with database.read() as s:
        notes = dict(s.execute(select(Alert.id, Alert.note)).tuples().all())
    assert notes[ids[0]] is None and notes[ids[1]] == "spoke with her sister, she is safe tonight"
    assert purge(database, settings, NOW).alert_notes == 0  # idempotent
    svc.close()


def test_every_encrypted_column_is_erased_by_retention_or_kept_on_purpose() -> None:
    """A new encrypted column (a note, a body) must say whether retention erases it."""
    from notifier.retention import ERASED, KEPT

    columns = {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    }
    assert columns - (ERASED | KEPT) == set()
    assert ("alerts", "note") in ERASED
