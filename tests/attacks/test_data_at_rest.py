"""Attacks on data at rest: a copied database (or volume) must name nobody.

Review finding 2 of issue 11: first names, external ids and the reply category were plaintext,
so `SELECT first_name, external_id, category FROM replies JOIN clients` told a thief who is in
treatment and who is in crisis; the default key file sat beside the database, in the same
volume.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from notifier.cli import main
from notifier.core.db import Database
from notifier.core.keys import KeysError, load_crypto, refuse_key_beside_data
from notifier.core.models import Client
from notifier.core.settings import Settings
from notifier.roster.appointments import add_individual
from notifier.roster.clients import client_by_external_id, external_id_filter, list_clients
from notifier.service import Service
from tests.conftest import TEST_CRYPTO, TEST_KEY
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # Sat 12:00 New York


def raw_rows(url: str, sql: str) -> list[tuple[object, ...]]:
    """What a thief with a copy and a plain SQL client sees (no notifier types, no key)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def test_copied_database_names_nobody(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    svc = Service(make_settings(database_url=database_url), transport=FakeTransport(),
                  clock=lambda: NOW)  # fmt: skip
    add_client(svc.db, "C002", first_name="Ben", phone="+13125550102", now=NOW)
    svc.receive(from_phone="+13125550102", body="i want to die", now=NOW)
    svc.close()
    rows = raw_rows(
        database_url,
        "SELECT clients.first_name, clients.external_id, replies.category "
        "FROM replies JOIN clients ON clients.id = replies.client_id",
    )
    assert len(rows) == 1
    first_name, external_id, category = rows[0]
    assert category == "crisis"  # categories stay in clear (the follow-up list needs them)...
    assert "Ben" not in str(first_name) and "C002" not in str(external_id)  # ...names do not
    assert str(first_name).startswith("gAAAAA") and str(external_id).startswith("gAAAAA")
    hashes = raw_rows(database_url, "SELECT external_id_hash FROM clients")
    assert "C002" not in str(hashes)
    # Through the application everything reads as before.
    d = Database(database_url, crypto=TEST_CRYPTO)
    with d.read() as s:
        client = client_by_external_id(s, TEST_CRYPTO, "C002")
        assert client is not None and (client.first_name, client.external_id) == ("Ben", "C002")
    d.dispose()


def test_external_id_lookup_is_by_keyed_hash_and_unique(database: Database) -> None:
    add_client(database, "C1", first_name="Ana", phone="+13125550101", now=NOW)
    add_client(database, "C2", first_name="Ben", phone="+13125550102", now=NOW)
    with database.read() as s:
        assert s.scalar(select(Client.first_name).where(external_id_filter(TEST_CRYPTO, "C2"))) \
            == "Ben"  # fmt: skip
        assert client_by_external_id(s, TEST_CRYPTO, "C3") is None
        assert client_by_external_id(s, TEST_CRYPTO, "c2") is None  # exact, as before
    with pytest.raises(IntegrityError), database.session() as s:  # one client per external id
        s.add(Client(external_id="C1", external_id_hash=TEST_CRYPTO.external_id_hash("C1"),
                     first_name="X", phone="+13125550109",
                     phone_hash=TEST_CRYPTO.lookup_hash("+13125550109"),
                     timezone="UTC", created_at=NOW, updated_at=NOW))  # fmt: skip


def test_every_external_id_filter_still_finds_the_client(database: Database,
                                                        make_settings: Callable[..., Settings]
                                                        ) -> None:  # fmt: skip
    settings = make_settings(database_url=database.url)
    add_client(database, "B7", first_name="Ben", phone="+13125550102", now=NOW)
    add_client(database, "A9", first_name="Ana", phone="+13125550101", now=NOW)
    add_client(database, "C1", first_name="Cal", phone="+13125550103", group=None, now=NOW)
    # Lists are sorted in Python now (ciphertext has no useful order): group, then external id.
    assert [c.external_id for c in list_clients(database)] == ["C1", "A9", "B7"]
    added = add_individual(database, "A9", NOW + timedelta(days=2), timedelta(hours=1), None,
                           NOW, settings)  # fmt: skip
    assert added.session.client_id is not None


@pytest.fixture
def env_file(tmp_path: Path, sqlite_url: str) -> Path:
    env = tmp_path / "settings.env"
    env.write_text(
        (ROOT / "settings.example.env")
        .read_text()
        .replace(
            "NOTIFIER_DATABASE_URL=sqlite:///notifier.db", f"NOTIFIER_DATABASE_URL={sqlite_url}"
        )
        .replace("NOTIFIER_ENCRYPTION_KEYS=", f"NOTIFIER_ENCRYPTION_KEYS={TEST_KEY}")
    )
    return env


def test_cli_client_filters_work_on_encrypted_ids(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    run = lambda *a: main(["--env-file", str(env_file), *a])  # noqa: E731
    roster = ROOT / "notifier" / "examples" / "roster.csv"
    assert run("clients", "import", str(roster), "--now", "2026-11-01T09:00") == 0
    assert run("sessions", "add", "--client", "C001", "--at", "2026-11-05T15:00", "--now",
               "2026-11-02T09:00") == 0  # fmt: skip
    assert run("sessions", "add", "--client", "C999", "--at", "2026-11-05T15:00", "--now",
               "2026-11-02T09:00") != 0  # fmt: skip
    assert run("tick", "--now", "2026-11-02T09:00") == 0  # plans reminders for the session
    assert run("inbound", "--from", "(312) 555-0101", "--body", "7", "--now",
               "2026-11-02T17:00") == 0  # fmt: skip
    assert run("inbound", "--from", "(312) 555-0102", "--body", "5", "--now",
               "2026-11-02T17:00") == 0  # fmt: skip
    capsys.readouterr()
    assert run("replies", "--client", "C002", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["client"] for r in rows] == ["C002"]
    assert run("outbox", "--client", "C001", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["client"] for r in rows} == {"C001"}
    assert run("sessions", "list", "--now", "2026-11-02T09:00", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["client"] for r in rows if r["kind"] == "individual"] == ["C001"]
    assert run("clients", "discharge", "C006", "--now", "2026-11-04T10:00") == 0
    assert run("clients", "discharge", "C999", "--now", "2026-11-04T10:00") != 0
    capsys.readouterr()
    assert run("clients", "list", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    # Sorted in Python (ciphertext has no useful order): group, then external id.
    assert [r["external_id"] for r in rows] == ["C001", "C002", "C003", "C004", "C005", "C006"]


# --- where the key lives ------------------------------------------------------------------------
def twilio(make_settings: Callable[..., Settings], **overrides: object) -> Settings:
    return make_settings(
        sms_backend="twilio",
        escalation_tiers="15m: +13125550191",
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token="t" * 32,
        twilio_from_number="+13125550100",
        public_url="https://notifier.example.org",
        **overrides,
    )


def test_twilio_backend_refuses_the_default_key_file_beside_the_database(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    s = twilio(make_settings, database_url=f"sqlite:///{tmp_path / 'n.db'}", encryption_keys="")
    with pytest.raises(KeysError) as err:
        load_crypto(s)
    line = str(err.value)
    assert "\n" not in line and "NOTIFIER_KEY_FILE" in line and "NOTIFIER_ENCRYPTION_KEYS" in line
    assert not (tmp_path / "n.key").exists()  # nothing generated beside the data


@pytest.mark.parametrize("where", ["beside", "below", "symlinked"])
def test_twilio_backend_refuses_a_key_file_in_the_database_directory(
    tmp_path: Path, make_settings: Callable[..., Settings], where: str
) -> None:
    data = tmp_path / "data"
    (data / "keys").mkdir(parents=True)
    key = data / ("keys/n.key" if where == "below" else "n.key")
    key.write_text(TEST_KEY + "\n")
    given = key
    if where == "symlinked":  # a path outside that resolves into the data directory
        given = tmp_path / "looks-elsewhere.key"
        given.symlink_to(key)
    s = twilio(make_settings, database_url=f"sqlite:///{data / 'n.db'}", encryption_keys="",
               key_file=str(given))  # fmt: skip
    with pytest.raises(KeysError, match="NOTIFIER_KEY_FILE") as err:
        load_crypto(s)
    assert "\n" not in str(err.value)


def test_twilio_backend_accepts_a_key_file_kept_apart(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "secrets").mkdir()
    key = tmp_path / "secrets" / "notifier.key"
    key.write_text(TEST_KEY + "\n")
    s = twilio(make_settings, database_url=f"sqlite:///{tmp_path / 'data' / 'n.db'}",
               encryption_keys="", key_file=str(key))  # fmt: skip
    assert load_crypto(s).keys == (TEST_KEY,)
    # Keys given in the environment are never a file beside the data.
    assert load_crypto(twilio(make_settings, database_url=f"sqlite:///{tmp_path / 'x.db'}"))


def test_key_file_inside_the_container_data_volume_is_refused(tmp_path: Path) -> None:
    volume = tmp_path / "data"  # stands for the image's /data volume
    (volume / "sub").mkdir(parents=True)
    with pytest.raises(KeysError, match="NOTIFIER_KEY_FILE"):
        refuse_key_beside_data(volume / "sub" / "k.key", None, volumes=(volume,))
    refuse_key_beside_data(tmp_path / "run" / "k.key", None, volumes=(volume,))  # apart: fine


def test_console_backend_still_generates_its_key_beside_sqlite(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(database_url=f"sqlite:///{tmp_path / 'n.db'}", encryption_keys="")
    assert load_crypto(s).keys
    assert stat.S_IMODE(os.stat(tmp_path / "n.key").st_mode) == 0o600


# --- file modes ---------------------------------------------------------------------------------
@pytest.fixture
def lax_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what a library user or a shell usually has
    try:
        yield
    finally:
        os.umask(old)


def test_sqlite_files_are_readable_by_their_owner_only(tmp_path: Path, lax_umask: None) -> None:
    from notifier.core import db as dbmod

    path = tmp_path / "fresh" / "n.db"
    url = f"sqlite:///{path}"
    dbmod.upgrade(url)
    d = Database(url, crypto=TEST_CRYPTO)
    add_client(d, "C1", phone="+13125550101", now=NOW)
    for suffix in ("", "-wal", "-shm"):
        f = Path(f"{path}{suffix}")
        assert f.exists(), suffix
        assert stat.S_IMODE(os.stat(f).st_mode) == 0o600, suffix
    d.dispose()


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path, lax_umask: None
                                                         ) -> None:  # fmt: skip
    import sqlite3

    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    os.chmod(path, 0o644)
    d = Database(f"sqlite:///{path}", crypto=TEST_CRYPTO)
    assert d.ping()
    for suffix in ("", "-wal", "-shm"):
        f = Path(f"{path}{suffix}")
        if f.exists():
            assert stat.S_IMODE(os.stat(f).st_mode) == 0o600, suffix
    d.dispose()


def test_library_use_creates_the_database_owner_only(tmp_path: Path) -> None:
    # A fresh interpreter with umask 022, using notifier as a library (no CLI entry point).
    path = tmp_path / "lib.db"
    code = (
        "import os; os.umask(0o022)\n"
        "from notifier.core.db import Database\n"
        f"d = Database('sqlite:///{path}'); d.ping(); d.dispose()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
