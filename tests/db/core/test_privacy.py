"""Privacy: encryption at rest, keys and rotation, retention, the consent record."""

from __future__ import annotations

import csv
import io
import os
import stat
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, select, text

from notifier.cli import main
from notifier.core import db as dbmod
from notifier.core.crypto import Crypto, new_key
from notifier.core.db import Database
from notifier.core.keys import KeysError, load_crypto, open_database, rotate
from notifier.core.models import SENT, Message, Reply
from notifier.core.settings import Settings
from notifier.followup.digest import build_digest
from notifier.outbound.dispatch import Dispatcher
from notifier.retention import purge
from notifier.service import Service
from tests.conftest import TEST_CRYPTO, TEST_KEY
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client, messages

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # Sat 12:00 New York
SECRET_WORDS = "my brother relapsed and I am scared"


def example_env(tmp_path: Path, keys: str = "") -> Path:
    env = tmp_path / "s.env"
    env.write_text(
        (ROOT / "settings.example.env")
        .read_text()
        .replace(
            "NOTIFIER_DATABASE_URL=sqlite:///notifier.db",
            f"NOTIFIER_DATABASE_URL=sqlite:///{tmp_path / 'n.db'}",
        )
        .replace("NOTIFIER_ENCRYPTION_KEYS=", f"NOTIFIER_ENCRYPTION_KEYS={keys}")
    )
    return env


def raw_dump(url: str) -> str:
    """Every cell of every table, read with the raw driver (no SQLAlchemy types)."""
    tables = ["clients", "messages", "replies", "consent_events", "sessions", "service_state"]
    cells: list[str] = []
    if url.startswith("sqlite"):
        import sqlite3

        path = url.split(":///", 1)[1]
        with sqlite3.connect(path) as conn:
            for t in tables:
                cells += [repr(row) for row in conn.execute(f"SELECT * FROM {t}")]
        # And the bytes of the file and its write-ahead log, in case anything is lying around.
        for suffix in ("", "-wal"):
            if os.path.exists(path + suffix):
                cells.append(Path(path + suffix).read_bytes().decode("latin-1"))
    else:
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn) as conn:
            for t in tables:
                cells += [repr(row) for row in conn.execute(f"SELECT * FROM {t}")]  # type: ignore[call-overload]
    return "\n".join(cells)


def test_rule_privacy_rows_on_disk_hold_no_plaintext_phone_or_body(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    svc = Service(make_settings(database_url=database_url, checkin_days="daily"),
                  transport=FakeTransport(), clock=lambda: NOW)  # fmt: skip
    add_client(svc.db, "C1", phone="+13125550101", now=NOW - timedelta(days=1))
    svc.tick(NOW)
    svc.receive(from_phone="+13125550101", body=SECRET_WORDS, now=NOW)
    svc.receive(from_phone="+13125550101", body="i want to die", now=NOW)  # alert to on-call
    svc.receive(from_phone="+13125550177", body="stranger " + SECRET_WORDS, now=NOW)
    svc.send_now(NOW)
    svc.close()
    dump = raw_dump(database_url)
    for secret in ("3125550101", "555-0101", "3125550190", "3125550177", SECRET_WORDS,
                   "i want to die", "Hi Ana", "quick check-in", "text 988"):  # fmt: skip
        # "text 988", not "988": three digits turn up by chance inside ciphertext and file bytes
        # (a CI run failed on a Fernet token holding "988"); the sent texts say "call or text 988".
        assert secret not in dump, secret
    assert "gAAAAA" in dump  # Fernet tokens are what is there
    # ...and through the application, everything reads back.
    d = Database(database_url, crypto=TEST_CRYPTO)
    with d.read() as s:
        bodies = [r.body for r in s.scalars(select(Reply))]
    assert SECRET_WORDS in bodies
    assert any(m.body.startswith("Hi Ana") for m in messages(d))
    d.dispose()


def test_inbound_lookup_uses_the_keyed_hash(database: Database) -> None:
    c = add_client(database, "C1", phone="+13125550101", now=NOW)
    assert c.phone_hash == TEST_CRYPTO.lookup_hash("+13125550101")
    assert "3125550101" not in c.phone_hash
    other = Crypto([new_key()])
    assert other.lookup_hash("+13125550101") != c.phone_hash  # keyed: not a plain hash


def test_rotation_under_a_concurrent_dispatcher_loses_nothing(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    old = Database(database_url, crypto=TEST_CRYPTO)
    c = add_client(old, "C1", phone="+13125550101", now=NOW)
    with old.session() as s:
        for i in range(300):
            s.add(
                Message(
                    kind="reply",
                    client_id=c.id,
                    label="bulk",
                    body=f"text {i}",
                    dedupe_key=f"rot:{i}",
                    due_at=NOW,
                    not_after=NOW + timedelta(hours=1),
                    status="pending",
                    attempts=0,
                    needs_lookup=False,
                    created_at=NOW,
                )
            )
    old.dispose()
    new = new_key()
    both = Crypto([new, TEST_KEY])  # the new key first: it encrypts, both decrypt
    running = Database(database_url, crypto=both)
    fake = FakeTransport(delay=0.002)
    dispatcher = Dispatcher(running, fake, make_settings(dispatch_batch=20, quiet_hours="off"),
                            clock=lambda: NOW, worker_id="w")  # fmt: skip
    sender = threading.Thread(target=dispatcher.drain)
    sender.start()
    result = rotate(Database(database_url, crypto=both), both, batch=25)
    sender.join()
    dispatcher.stop()
    assert sorted(a.body for a in fake.accepted) == sorted(f"text {i}" for i in range(300))
    assert {m.status for m in messages(running)} == {SENT}
    assert result["messages"] == 300 and result["clients"] == 1
    # The old key can go: everything reads with the new one alone.
    only_new = Database(database_url, crypto=Crypto([new]))
    assert len(messages(only_new)) == 300
    with only_new.read() as s:
        from notifier.core.models import Client

        client = s.scalar(select(Client))
        assert client is not None and client.phone == "+13125550101"
        assert client.phone_hash == Crypto([new]).lookup_hash("+13125550101")
    only_new.dispose()
    running.dispose()


def test_rotation_never_waits_for_a_row_while_holding_others(database_url: str) -> None:
    """Another writer holds one row of rotation's batch and then writes a second row of it
    (what a dispatcher marking a batch sent does, in its own order). Rotation must not hold
    the second row while it waits for the first: on PostgreSQL that was a deadlock."""
    d = Database(database_url, crypto=TEST_CRYPTO)
    c = add_client(d, "C1", phone="+13125550101", now=NOW)
    with d.session() as s:
        for i in range(30):
            s.add(Message(kind="reply", client_id=c.id, label="bulk", body=f"text {i}",
                          dedupe_key=f"lock:{i}", due_at=NOW, not_after=NOW + timedelta(hours=1),
                          status="pending", attempts=0, needs_lookup=False,
                          created_at=NOW))  # fmt: skip
    with d.read() as s:
        ids = sorted(s.scalars(select(Message.id)))
    both = Crypto([new_key(), TEST_KEY])
    target = Database(database_url, crypto=both)
    outcome: dict[str, object] = {}

    def rotation() -> None:
        try:
            outcome["result"] = rotate(target, both, batch=25)
        except Exception as exc:  # reported by the assertion below
            outcome["error"] = exc

    touch = text("UPDATE messages SET attempts = attempts + 1 WHERE id = :id")
    with d.engine.connect() as other:
        other.execute(touch, {"id": ids[10]})  # holds row 10 (SQLite: the write lock)
        worker = threading.Thread(target=rotation)
        worker.start()
        worker.join(timeout=1.5)  # rotation is now waiting, or has done what it could
        other.execute(touch, {"id": ids[5]})  # a second row of the same batch
        other.commit()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert "error" not in outcome, outcome.get("error")
    result = outcome["result"]
    assert isinstance(result, dict) and result["messages"] == 30
    only_new = Database(database_url, crypto=Crypto([both.keys[0]]))
    assert sorted(m.body for m in messages(only_new)) == sorted(f"text {i}" for i in range(30))
    only_new.dispose()
    target.dispose()
    d.dispose()


def test_rotation_is_resumable(database_url: str) -> None:
    d = Database(database_url, crypto=TEST_CRYPTO)
    for i in range(12):
        add_client(d, f"C{i}", phone=f"+1312555{i:04d}", now=NOW)
    d.dispose()
    both = Crypto([new_key(), TEST_KEY])
    target = Database(database_url, crypto=both)
    calls: list[int] = []

    def interrupt(table: str, done: int, total: int) -> None:
        calls.append(done)
        if table == "clients" and done == 5:
            raise KeyboardInterrupt  # ops pressed Ctrl-C half way

    with pytest.raises(KeyboardInterrupt):
        rotate(target, both, batch=5, progress=interrupt)
    resumed = rotate(target, both, batch=5)
    assert resumed["clients"] == 7  # only what was left
    assert rotate(target, both, batch=5)["clients"] == 0  # finished: nothing more to do
    target.dispose()


def test_missing_or_wrong_key_stops_with_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = example_env(tmp_path)
    roster = ROOT / "notifier" / "examples" / "roster.csv"
    assert main(["--env-file", str(env), "clients", "import", str(roster)]) == 0
    key_path = tmp_path / "n.key"
    err = capsys.readouterr().err
    assert f"generated a new encryption key in {key_path}" in err  # and says where
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    key_path.rename(tmp_path / "elsewhere.key")
    assert main(["--env-file", str(env), "clients", "list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds encrypted data but no key was found" in err
    assert not key_path.exists()  # no new key was made over the data
    env.write_text(
        env.read_text().replace(
            "NOTIFIER_ENCRYPTION_KEYS=", f"NOTIFIER_ENCRYPTION_KEYS={new_key()}"
        )
    )
    assert main(["--env-file", str(env), "clients", "list"]) == 2
    assert "cannot read this database" in capsys.readouterr().err


def test_postgres_needs_keys_set_explicitly(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(database_url="postgresql+psycopg://u@127.0.0.1:9/x", encryption_keys="")
    with pytest.raises(KeysError, match="NOTIFIER_ENCRYPTION_KEYS is required with PostgreSQL"):
        load_crypto(s)


def test_bad_key_is_one_clear_line(make_settings: Callable[..., Settings]) -> None:
    with pytest.raises(KeysError, match="is not a Fernet key"):
        load_crypto(make_settings(encryption_keys="not-a-key"))


def test_retention_purge_keeps_what_the_followup_list_needs(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(database_url=database_url, checkin_days="daily", retention="1d")
    svc = Service(s, transport=FakeTransport(), clock=lambda: NOW)
    add_client(svc.db, "C1", phone="+13125550101", now=NOW - timedelta(days=3))
    svc.tick(NOW)
    svc.receive(from_phone="+13125550101", body="8", now=NOW + timedelta(minutes=10))
    svc.receive(from_phone="+13125550101", body=SECRET_WORDS, now=NOW + timedelta(minutes=20))
    svc.send_now(NOW + timedelta(minutes=20))
    before = build_digest(svc.db, s, "evening", NOW + timedelta(hours=1))
    later = NOW + timedelta(days=2)
    first = purge(svc.db, s, later)
    assert first.reply_bodies == 2 and first.message_bodies >= 2
    again = purge(svc.db, s, later)
    assert (again.message_bodies, again.reply_bodies) == (0, 0)  # idempotent
    after = build_digest(svc.db, s, "evening", NOW + timedelta(hours=1))
    b, a = before.clients[0], after.clients[0]
    assert a.flags == b.flags and a.checkins_answered == b.checkins_answered
    assert {k: v.latest for k, v in a.scores.items()} == {k: v.latest for k, v in b.scores.items()}
    with svc.db.read() as sess:
        replies = list(sess.scalars(select(Reply)))
    assert {r.body for r in replies} == {""} and [r.score for r in replies] == [8, None]
    assert SECRET_WORDS not in raw_dump(database_url)
    # Pending messages are never touched, whatever their age (their words come at send time).
    pending = [m for m in messages(svc.db) if m.status == "pending"]
    assert pending and all(m.status == "pending" and m.reason is None for m in pending)
    svc.close()


def test_the_words_that_made_a_reply_urgent_are_encrypted_and_purged_with_it(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(database_url=database_url, checkin_days="daily", retention="1d")
    svc = Service(s, transport=FakeTransport(), clock=lambda: NOW)
    add_client(svc.db, "C1", phone="+13125550101", now=NOW - timedelta(days=3))
    body = "he is having a seizure on the kitchen floor"
    svc.receive(from_phone="+13125550101", body=body, now=NOW + timedelta(minutes=10))
    with svc.db.read() as sess:
        reply = sess.scalars(select(Reply)).one()
        assert reply.urgent is True and "seizure" in (reply.urgent_evidence or "")
    assert "seizure" not in raw_dump(database_url)  # the body and the words, both encrypted
    purge(svc.db, s, NOW + timedelta(days=2))
    with svc.db.read() as sess:
        reply = sess.scalars(select(Reply)).one()
        assert (reply.body, reply.urgent_evidence, reply.urgent) == ("", None, True)
    svc.close()


def test_consent_export_lists_every_event(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:  # fmt: skip
    env = example_env(tmp_path, keys=TEST_KEY)  # fmt: skip
    roster = ROOT / "notifier" / "examples" / "roster.csv"
    run = lambda *a: main(["--env-file", str(env), *a])  # noqa: E731
    run("clients", "import", str(roster), "--now", "2026-11-01T09:00")
    run("inbound", "--from", "(312) 555-0101", "--body", "STOP", "--now", "2026-11-02T10:00")
    run("inbound", "--from", "(312) 555-0101", "--body", "START", "--now", "2026-11-03T10:00")
    run("clients", "discharge", "C006", "--now", "2026-11-04T10:00")
    capsys.readouterr()
    out = tmp_path / "consent.csv"
    assert run("consent", "export", "--output", str(out)) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == ["external_id", "event", "at", "source"]
    ana = [(r["event"], r["source"]) for r in rows if r["external_id"] == "C001"]
    assert ana == [("consent", "roster:roster.csv"), ("opt_out", "sms:cli"), ("opt_in", "sms:cli")]
    assert ("C002", "consent", "2026-09-28T04:00:00+00:00") in [
        (r["external_id"], r["event"], r["at"]) for r in rows
    ]  # the date given in the roster
    assert ("C006", "discharged") in [(r["external_id"], r["event"]) for r in rows]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_migration_encrypts_a_database_from_before_encryption(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = dbmod.alembic_config(url)
    from alembic import command

    command.upgrade(cfg, "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO clients (id, external_id, first_name, phone, timezone, language, "
            "created_at, updated_at) VALUES (1, 'C1', 'Ana', '+13125550101', 'UTC', 'en', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))  # fmt: skip
        conn.execute(text(
            "INSERT INTO replies (id, client_id, received_at, body, category, source, created_at)"
            " VALUES (1, 1, '2026-01-01 00:00:00', 'plain words', 'free_text', 'cli', "
            "'2026-01-01 00:00:00')"))  # fmt: skip
    engine.dispose()
    with pytest.raises(RuntimeError, match="encrypts existing rows"):
        dbmod.upgrade(url)  # without the key it refuses, rather than leave plaintext
    dbmod.upgrade(url, TEST_CRYPTO)
    assert "+13125550101" not in raw_dump(url) and "plain words" not in raw_dump(url)
    d = Database(url, crypto=TEST_CRYPTO)
    with d.read() as s:
        assert s.scalar(select(Reply.body)) == "plain words"
    d.dispose()


def test_open_database_writes_a_key_check(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    d = open_database(make_settings(database_url=sqlite_url))
    from notifier.core.keys import canary_present

    assert canary_present(d)
    d.dispose()


def test_rule_unknown_numbers_a_senders_number_is_forgotten_after_72_hours(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    from notifier.core.models import REPLY, Alert
    from notifier.retention import housekeep

    at = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    svc = Service(make_settings(database_url=database_url), transport=FakeTransport(),
                  clock=lambda: at)  # fmt: skip
    try:
        svc.receive(from_phone="+13125550177", body="i want to die tonight", now=at)
        svc.send_now(at)
        with svc.db.read() as s:
            alert = s.scalars(select(Alert)).one()
            reply = s.scalars(select(Message).where(Message.kind == REPLY)).one()
        assert alert.sender == "+13125550177" and reply.recipient == "+13125550177"
        assert alert.sender_until == at + timedelta(hours=72)
        assert housekeep(svc.db, svc.settings, at + timedelta(hours=71)).unknown_senders == 0
        assert housekeep(svc.db, svc.settings, at + timedelta(hours=72)).unknown_senders == 1
        with svc.db.read() as s:
            alert = s.scalars(select(Alert)).one()
            reply = s.scalars(select(Message).where(Message.kind == REPLY)).one()
        assert alert.sender is None and reply.recipient is None and alert.sender_ref
    finally:
        svc.close()


def test_alert_notes_are_erased_after_the_retention_but_the_part2_record_stays(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    from notifier.core.models import AlertEvent
    from notifier.inbound import outcomes
    from notifier.retention import housekeep

    at = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    settings = make_settings(database_url=database_url, retention="30d")
    svc = Service(settings, transport=FakeTransport(), clock=lambda: at)
    try:
        add_client(svc.db, "C1", phone="+13125550101", now=at)
        svc.receive(from_phone="+13125550101", body="i want to die", now=at)
        from notifier.staff import accounts

        accounts.add(svc.db, settings, email="eve@clinic.org", name="Eve", role="admin",
                     groups=(), now=at, password="correct horse battery staple")  # fmt: skip
        with svc.db.read() as s:
            eve = accounts.find(s, "eve@clinic.org")
            assert eve is not None
        who = outcomes.Who(staff_id=eve.id, address="cli")
        d = outcomes.Disclosure("Dispatcher 7", "City 911", "overdose")
        outcomes.record(svc.db, settings, alert_id=1, outcome="called_911", note="EMS sent",
                        who=who, now=at, disclosure=d)  # fmt: skip
        housekeep(svc.db, settings, at + timedelta(days=29))
        with svc.db.read() as s:
            assert s.scalars(select(AlertEvent.note).where(AlertEvent.note.is_not(None))).all()
        housekeep(svc.db, settings, at + timedelta(days=31))
        with svc.db.read() as s:
            (event,) = s.scalars(select(AlertEvent).where(AlertEvent.event == "called_911"))
        assert event.note is None and (event.disclosed_to, event.facility, event.emergency) == (
            "Dispatcher 7", "City 911", "overdose")  # fmt: skip
    finally:
        svc.close()
