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
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # the file that was 0644
    for suffix in ("-wal", "-shm"):  # SQLite makes these only in WAL mode
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


# --- the key file's permissions (issue 17, N16) --------------------------------------------------
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_twilio_backend_refuses_a_key_file_readable_by_others(
    tmp_path: Path, make_settings: Callable[..., Settings], mode: int
) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "data").mkdir()
    key = tmp_path / "secrets" / "notifier.key"
    key.write_text(TEST_KEY + "\n")
    key.chmod(mode)
    url = f"sqlite:///{tmp_path / 'data' / 'n.db'}"
    s = twilio(make_settings, database_url=url, encryption_keys="", key_file=str(key))
    with pytest.raises(KeysError, match="NOTIFIER_KEY_FILE") as err:
        load_crypto(s)
    assert "\n" not in str(err.value) and "chmod 600" in str(err.value)


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_twilio_backend_accepts_an_owner_only_key_file(
    tmp_path: Path, make_settings: Callable[..., Settings], mode: int
) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "data").mkdir()
    key = tmp_path / "secrets" / "notifier.key"
    key.write_text(TEST_KEY + "\n")
    key.chmod(mode)
    url = f"sqlite:///{tmp_path / 'data' / 'n.db'}"
    s = twilio(make_settings, database_url=url, encryption_keys="", key_file=str(key))
    assert load_crypto(s).keys == (TEST_KEY,)


def test_key_file_readable_by_others_stops_the_cli_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "data").mkdir()
    key = tmp_path / "secrets" / "notifier.key"
    key.write_text(TEST_KEY + "\n")
    key.chmod(0o644)
    env = tmp_path / "settings.env"
    env.write_text(
        f"NOTIFIER_DATABASE_URL=sqlite:///{tmp_path / 'data' / 'n.db'}\nNOTIFIER_KEY_FILE={key}\n"
        "NOTIFIER_SMS_BACKEND=twilio\nTWILIO_ACCOUNT_SID=AC" + "0" * 32 + "\n"
        "TWILIO_AUTH_TOKEN=" + "t" * 32 + "\nTWILIO_FROM_NUMBER=+13125550100\n"
        "NOTIFIER_PUBLIC_URL=https://notifier.example.org\n"
        "NOTIFIER_ONCALL_NUMBERS=+13125550111\n"
        "NOTIFIER_ESCALATION_TIERS=15m: +13125550122\n"
    )
    assert main(["--env-file", str(env), "clients", "list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "NOTIFIER_KEY_FILE" in err


# --- a copied database after a staff day (issue 17) ----------------------------------------------
# Everything a thief must not find in a copy: names, numbers (any format), record numbers,
# what clients wrote, what staff wrote (notes, texts). Distinctive, so a hit is never chance.
BEN_NAME, ZOE_NAME = "Benedikta", "Zoraida"
BEN_MRN, ZOE_MRN = "MRN73015", "MRN73016"
BEN_PHONE, ZOE_PHONE = "+13125550171", "+13125550172"
REPLY_TEXT = "cravings are bad, I keep thinking about the bottle under the sink"
CRISIS_TEXT = "I want to kill myself tonight, I have the pills"
NOTE_TEXT = "reached her sister Marisol, going with her to the ER"
STAFF_TEXT = "Thinking of you Benedikta, call us back when you can"


def clear_text_everywhere(url: str) -> str:
    """Every value of every column of every table, as a plain SQL client sees it (no key),
    and for SQLite the raw bytes of the file and its WAL too."""
    from sqlalchemy import inspect

    engine = create_engine(url)
    parts = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                parts.append(f"{table}: {tuple(row)!r}")
    engine.dispose()
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        for suffix in ("", "-wal"):
            f = Path(f"{path}{suffix}")
            if f.exists():
                parts.append(f.read_bytes().decode("latin-1"))
    return "\n".join(parts)


def test_copied_database_after_a_staff_day_holds_nothing_in_clear(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fastapi.testclient import TestClient

    from notifier.web import create_app
    from tests.helpers import Clock
    from tests.helpers.staffkit import App as StaffApp
    from tests.helpers.staffkit import csrf_of, enrol

    settings = Settings(
        _env_file=None,
        **{  # type: ignore[call-arg]
            **__import__("tests.conftest", fromlist=["BASE_SETTINGS"]).BASE_SETTINGS,
            "database_url": database_url,
            "public_url": "https://notifier.example.org",
        },
    )
    clock = Clock(datetime(2026, 11, 30, 23, 40, tzinfo=UTC))  # Mon 18:40 NY: meeting on
    svc = Service(settings, transport=FakeTransport(), clock=clock)
    app = StaffApp(svc, TestClient(create_app(svc), base_url="https://testserver"), clock)
    then = clock.now - timedelta(days=14)
    add_client(svc.db, BEN_MRN, first_name=BEN_NAME, phone=BEN_PHONE, now=then)
    add_client(svc.db, ZOE_MRN, first_name=ZOE_NAME, phone=ZOE_PHONE, now=then)
    svc.receive(from_phone=ZOE_PHONE, body=REPLY_TEXT, now=clock.now - timedelta(hours=5))
    svc.receive(from_phone=BEN_PHONE, body=CRISIS_TEXT, now=clock.now - timedelta(minutes=20))
    svc.receive(from_phone="+13125550199", body="who is this", now=clock.now)  # a stranger
    svc.tick(clock.now)
    # The staff day: sign-in, the lists, a client page, the phone number, an alert's outcome
    # with a note, attendance, a text, and a look at a client who is not there.
    app.add_staff("ana@clinic.org", groups="evening")
    browser = app.browser()
    enrol(browser, "ana@clinic.org", clock.now)
    browser.follow_redirects = False
    for path in ("/", "/groups/evening", f"/clients/{BEN_MRN}", f"/clients/{ZOE_MRN}",
                 "/clients/MRN99999"):  # fmt: skip
        browser.get(path)
    page = browser.get(f"/clients/{BEN_MRN}")
    browser.post(f"/clients/{BEN_MRN}/phone", data={"csrf_token": csrf_of(page)})
    from notifier.core.models import Alert

    with svc.db.read() as s:
        alert_id = s.scalar(select(Alert.id).where(Alert.kind == "crisis"))
    page = browser.get(f"/clients/{BEN_MRN}")
    r = browser.post(
        f"/clients/{BEN_MRN}/alerts/{alert_id}",
        data={"csrf_token": csrf_of(page), "outcome": "reached", "note": NOTE_TEXT},
    )
    assert r.status_code == 303
    page = browser.get("/groups/evening")
    for mrn, status in ((BEN_MRN, "absent"), (ZOE_MRN, "attended")):
        r = browser.post("/groups/evening/attendance", data={
            "csrf_token": csrf_of(page), "external_id": mrn, "status": status,
            "date": "2026-11-30"})  # fmt: skip
        assert r.status_code == 303, r.text[:300]
    page = browser.get(f"/clients/{ZOE_MRN}")
    nonce = page.text.split('name="nonce" value="')[1][:32]
    r = browser.post(
        f"/clients/{ZOE_MRN}/text",
        data={"csrf_token": csrf_of(page), "nonce": nonce, "text": STAFF_TEXT},
    )
    assert r.status_code == 303 and "error" not in r.headers["location"]
    svc.send_now(clock.now)
    svc.close()
    # ...and the shell: lists and exports, each audited.
    env = tmp_path / "settings.env"
    env.write_text(f"NOTIFIER_DATABASE_URL={database_url}\nNOTIFIER_ENCRYPTION_KEYS={TEST_KEY}\n"
                   "NOTIFIER_GROUPS=evening: mon,wed,thu 18:00-21:00\n")  # fmt: skip
    for command in (["replies", "--client", BEN_MRN], ["clients", "list", "--format", "json"],
                    ["followup", "evening", "--now", "2026-11-30T19:00",
                     "--output", str(tmp_path / "f.html"), "--format", "html"],
                    ["consent", "export"], ["audit", "export"], ["alerts"],
                    ["outbox", "--client", ZOE_MRN]):  # fmt: skip
        assert main(["--env-file", str(env), *command]) == 0, command
    capsys.readouterr()
    dump = clear_text_everywhere(database_url)
    secrets = {
        "name": [BEN_NAME, ZOE_NAME, "Marisol"],
        "record number": [BEN_MRN, ZOE_MRN, "MRN99999", "MRN7301"],
        "phone": [BEN_PHONE, ZOE_PHONE, "3125550171", "555-0171", "5550172", "+13125550199"],
        "reply": [REPLY_TEXT, "bottle under the sink", "kill myself", "who is this"],
        "note": [NOTE_TEXT, "going with her to the ER"],
        "staff text": [STAFF_TEXT, "call us back when you can"],
    }
    found = {kind: [v for v in values if v.lower() in dump.lower()]
             for kind, values in secrets.items()}  # fmt: skip
    assert not any(found.values()), found
    # The day happened: it is all there, encrypted, and audited by row id.
    d = Database(database_url, crypto=TEST_CRYPTO)
    with d.read() as s:
        assert s.scalar(select(Alert.note).where(Alert.id == alert_id)) == NOTE_TEXT
    d.dispose()
    assert "view_records" in dump and "attendance_change" in dump and "show_phone" in dump


# --- the container's default (issue 17) ----------------------------------------------------------
def dockerfile_env() -> dict[str, str]:
    """The ENV the image sets (``ENV A=1 \\`` continuation lines)."""
    import re
    import shlex

    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    found: dict[str, str] = {}
    for line in text.splitlines():
        if re.match(r"^ENV\s", line):
            for item in shlex.split(line[4:]):
                name, _, value = item.partition("=")
                found[name] = value
    return found


def test_the_images_default_expects_its_key_apart_from_the_data(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    """The image's default command generated its key as /data/notifier.key, beside the
    database in the data volume (a trial setup): a copy of the volume carried its key. The
    default now looks for the key where the production setup mounts it, and never makes one."""
    env = dockerfile_env()
    key = env.get("NOTIFIER_KEY_FILE", "")
    assert key and not key.startswith("/data"), env
    if Path(key).exists():
        pytest.skip(f"{key} exists on this machine")
    data = tmp_path / "data"  # stands for the image's /data volume
    data.mkdir()
    db = env["NOTIFIER_DATABASE_URL"].replace("/data/", f"{data}/")
    s = make_settings(database_url=db, encryption_keys="", key_file=key)  # console, as the image
    with pytest.raises(KeysError, match="NOTIFIER_KEY_FILE") as err:
        load_crypto(s)
    assert "\n" not in str(err.value) and "notifier keys new" in str(err.value)
    assert list(data.iterdir()) == [] and not Path(key).exists()  # no key made anywhere


def test_a_named_key_file_is_never_invented(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    """Only the default key file of a new embedded database is generated: a key file named in
    NOTIFIER_KEY_FILE is one the operator made and keeps apart."""
    s = make_settings(database_url=f"sqlite:///{tmp_path / 'n.db'}", encryption_keys="",
                      key_file=str(tmp_path / "elsewhere" / "k.key"))  # fmt: skip
    with pytest.raises(KeysError, match="NOTIFIER_KEY_FILE"):
        load_crypto(s)
    assert not (tmp_path / "elsewhere").exists()
