"""`notifier staff` (add, list --format json, disable, enable, reset; the one-time link) and
`notifier audit export` (CSV, --since, a new mode-600 file), on SQLite and PostgreSQL. Audit
rows survive `notifier purge`."""

from __future__ import annotations

import io
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from notifier.cli import main
from notifier.core.db import Database
from notifier.core.models import AuditEvent, Client
from notifier.roster.clients import external_id_filter
from notifier.staff import accounts as staff
from notifier.staff import audit
from tests.conftest import BASE_SETTINGS, TEST_KEY
from tests.helpers import add_client

NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "settings.env"
    path.write_text(
        f"NOTIFIER_DATABASE_URL={database_url}\n"
        f"NOTIFIER_GROUPS={BASE_SETTINGS['groups']}\n"
        f"NOTIFIER_ENCRYPTION_KEYS={TEST_KEY}\n"
        "NOTIFIER_PUBLIC_URL=https://notifier.example.org\n"
        "NOTIFIER_LOG_FORMAT=json\n"
    )
    return path


def run(
    env: Path, *args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None
) -> int:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--env-file", str(env), *args])


def link_token(out: str) -> str:
    line = next(ln for ln in out.splitlines() if "/setup/" in ln)
    assert "https://notifier.example.org/setup/" in line and "24 h" in line
    return line.rsplit("/setup/", 1)[1].strip()


def listed(env: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert run(env, "staff", "list", "--format", "json") == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


def test_staff_add_prints_a_one_time_link_and_lists_json_keys(
    env: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            env,
            "staff",
            "add",
            "Ana@Clinic.org",
            "--name",
            "Ana F",
            "--groups",
            "evening,morning",
            "--now",
            NOW.isoformat(),
        )
        == 0
    )
    token = link_token(capsys.readouterr().out)
    with database.read() as s:
        row = staff.find(s, "ana@clinic.org")
        assert row is not None
        # Only the hash of the token is stored.
        assert row.setup_token_hash == staff.token_hash(token) and token not in str(row.__dict__)
        assert row.password_hash is None
    rows = listed(env, capsys)
    assert len(rows) == 1
    assert set(rows[0]) == {
        "email",
        "name",
        "role",
        "groups",
        "active",
        "mfa_enrolled",
        "created_at",
        "last_sign_in_at",
        "lockouts_24h",
        "last_lockout_at",
    }
    assert rows[0]["email"] == "ana@clinic.org" and rows[0]["role"] == "facilitator"
    assert rows[0]["groups"] == ["evening", "morning"]
    assert rows[0]["active"] is True and rows[0]["mfa_enrolled"] is False
    assert rows[0]["last_sign_in_at"] is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["x@clinic.org", "--name", "X", "--groups", "nosuch"], "--groups nosuch"),
        (["not-an-email", "--name", "X"], "expected an e-mail address"),
        (["x@clinic.org", "--name", " "], "--name"),
    ],
)
def test_staff_add_bad_input_is_one_line_exit_2(
    env: Path,
    database: Database,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    assert run(env, "staff", "add", *args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0]
    assert staff.list_all(database) == []


def test_staff_add_twice_is_refused(env: Path, database: Database) -> None:
    assert run(env, "staff", "add", "ana@clinic.org", "--name", "Ana") == 0
    assert run(env, "staff", "add", "ANA@clinic.org", "--name", "Ana") == 2


def test_password_stdin_needs_12_characters(
    env: Path,
    database: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert (
        run(
            env,
            "staff",
            "add",
            "a@clinic.org",
            "--name",
            "A",
            "--password-stdin",
            stdin="short\n",
            monkeypatch=monkeypatch,
        )
        == 2
    )
    assert "at least 12 characters" in capsys.readouterr().err
    assert (
        run(
            env,
            "staff",
            "add",
            "a@clinic.org",
            "--name",
            "A",
            "--role",
            "admin",
            "--password-stdin",
            stdin=PASSWORD + "\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert "/setup/" not in capsys.readouterr().out
    with database.read() as s:
        row = staff.find(s, "a@clinic.org")
        assert row is not None and row.password_hash and row.password_hash.startswith("$argon2id$")
        assert staff.verify_password(row.password_hash, PASSWORD)[0]


def test_setup_link_is_single_use_and_expires_after_24_hours(
    env: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(env, "staff", "add", "ana@clinic.org", "--name", "Ana", "--now", NOW.isoformat()) == 0
    )
    token = link_token(capsys.readouterr().out)
    late = NOW + timedelta(hours=24)
    assert staff.use_setup_token(database, token, PASSWORD, late, None) is None
    assert staff.use_setup_token(database, token, PASSWORD, late - timedelta(seconds=1), None)
    assert staff.use_setup_token(database, token, PASSWORD, NOW, None) is None  # spent


def test_staff_disable_and_reset(
    env: Path,
    database: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert (
        run(
            env,
            "staff",
            "add",
            "ana@clinic.org",
            "--name",
            "Ana",
            "--password-stdin",
            stdin=PASSWORD,
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert run(env, "staff", "reset", "ANA@clinic.org") == 0
    token = link_token(capsys.readouterr().out)
    with database.read() as s:
        row = staff.find(s, "ana@clinic.org")
        assert row is not None and row.password_hash is None and row.totp_secret is None
    assert staff.use_setup_token(database, token, PASSWORD, datetime.now(UTC), None)
    assert run(env, "staff", "disable", "ana@clinic.org") == 0
    assert listed(env, capsys)[0]["active"] is False
    assert run(env, "staff", "disable", "nobody@clinic.org") == 2
    assert run(env, "staff", "reset", "nobody@clinic.org") == 2
    actions = [e["action"] for e in audit.export_rows(database)]
    assert actions == ["staff_added", "staff_reset", "password_set", "staff_disabled"]


def add_with_password(env: Path, monkeypatch: pytest.MonkeyPatch, email: str) -> None:
    args = ("staff", "add", email, "--name", "Ana", "--password-stdin", "--now", NOW.isoformat())
    assert run(env, *args, stdin=PASSWORD, monkeypatch=monkeypatch) == 0


def test_staff_enable_after_disable_makes_the_account_active_again(
    env: Path,
    database: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_with_password(env, monkeypatch, "ana@clinic.org")
    assert run(env, "staff", "disable", "ana@clinic.org", "--now", NOW.isoformat()) == 0
    capsys.readouterr()
    later = NOW + timedelta(days=30)
    assert run(env, "staff", "enable", "ANA@Clinic.org", "--now", later.isoformat()) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("enabled ana@clinic.org")
    assert "staff reset" not in out[0]  # the password is still there
    with database.read() as s:
        row = staff.find(s, "ana@clinic.org")
        assert row is not None and row.active and row.disabled_at is None
        # The same password as before: enabling changes no credential.
        assert staff.verify_password(row.password_hash, PASSWORD)[0]
    assert listed(env, capsys)[0]["active"] is True
    events = list(audit.export_rows(database))
    assert [e["action"] for e in events] == ["staff_added", "staff_disabled", "staff_enabled"]
    assert events[-1]["staff_email"] == "ana@clinic.org" and events[-1]["address"] == "cli"
    assert events[-1]["at"] == later.isoformat()


def test_staff_enable_without_a_password_points_to_reset(
    env: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(env, "staff", "add", "ana@clinic.org", "--name", "Ana") == 0
    assert run(env, "staff", "disable", "ana@clinic.org") == 0
    capsys.readouterr()
    assert run(env, "staff", "enable", "ana@clinic.org") == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("enabled ana@clinic.org")
    assert "no password" in out[0] and "notifier staff reset ana@clinic.org" in out[0]
    assert listed(env, capsys)[0]["active"] is True


def test_staff_enable_an_active_account_changes_nothing(
    env: Path,
    database: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_with_password(env, monkeypatch, "ana@clinic.org")
    capsys.readouterr()
    assert run(env, "staff", "enable", "ana@clinic.org") == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["ana@clinic.org is already active; nothing changed"]
    assert [e["action"] for e in audit.export_rows(database)] == ["staff_added"]


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("nobody@clinic.org", "staff enable: nobody@clinic.org: no such account"),
        ("not-an-email", "staff enable: 'not-an-email': expected an e-mail address"),
    ],
)
def test_staff_enable_unknown_account_is_one_line_exit_2(
    env: Path,
    database: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    email: str,
    expected: str,
) -> None:
    add_with_password(env, monkeypatch, "ana@clinic.org")
    assert run(env, "staff", "disable", "ana@clinic.org", "--now", NOW.isoformat()) == 0
    capsys.readouterr()
    assert run(env, "staff", "enable", email) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and expected in err[0], err
    assert captured.out == ""
    # Nothing changed: the other account stays disabled, no audit row was added.
    assert listed(env, capsys)[0]["active"] is False
    assert [e["action"] for e in audit.export_rows(database)] == ["staff_added", "staff_disabled"]


# --- audit export ------------------------------------------------------------------------------
def seed_audit(database: Database) -> int:
    add_client(database, "E1", now=NOW - timedelta(days=3))
    staff.add(
        database,
        _settings(),
        email="ana@clinic.org",
        name="Ana",
        role="facilitator",
        groups=("evening",),
        now=NOW - timedelta(days=2),
        password=PASSWORD,
    )
    with database.read() as s:
        ana = staff.find(s, "ana@clinic.org")
        client_id = s.scalar(select(Client.id).where(external_id_filter(database.crypto, "E1")))
    assert ana is not None
    audit.record(
        database,
        action="view_client",
        staff_id=ana.id,
        now=NOW - timedelta(days=1),
        address="10.1.2.3",
        client_id=client_id,
        group="evening",
    )
    audit.record(
        database,
        action="sign_in_failed",
        staff_id=None,
        now=NOW,
        address="10.9.9.9",
        detail="unknown account",
    )
    return ana.id


def _settings():  # type: ignore[no-untyped-def]
    from notifier.core.settings import Settings

    return Settings(_env_file=None, **BASE_SETTINGS)  # type: ignore[call-arg]


def test_audit_export_csv_resolves_email_and_external_id(
    env: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_audit(database)
    capsys.readouterr()
    assert run(env, "audit", "export") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "at,staff_email,action,client,group,address,detail"
    assert lines[2].endswith(",ana@clinic.org,view_client,E1,evening,10.1.2.3,")
    assert lines[3].endswith(",,sign_in_failed,,,10.9.9.9,unknown account")
    assert run(env, "audit", "export", "--since", "2026-11-30T12:00:00Z") == 0
    lines = capsys.readouterr().out.splitlines()
    # Two seeded rows after --since, and the first export itself (a read of client data).
    assert len(lines) == 4 and "notifier audit export" in lines[-1]
    assert run(env, "audit", "export", "--since", "yesterday") == 2


def test_audit_export_output_is_a_new_private_file(
    env: Path, database: Database, tmp_path: Path
) -> None:
    seed_audit(database)
    out = tmp_path / "audit.csv"
    assert run(env, "audit", "export", "--output", str(out)) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "view_client" in out.read_text()
    assert run(env, "audit", "export", "--output", str(out)) == 2  # never overwritten
    target = tmp_path / "elsewhere.txt"
    link = tmp_path / "link.csv"
    os.symlink(target, link)
    assert run(env, "audit", "export", "--output", str(link)) == 2
    assert not target.exists()


def test_purge_leaves_audit_rows(env: Path, database: Database) -> None:
    seed_audit(database)

    def count() -> int:
        with database.read() as s:
            return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)

    before = count()
    far = (NOW + timedelta(days=3650)).isoformat()
    assert run(env, "purge", "--now", far) == 0
    assert before == 3 and count() == before
