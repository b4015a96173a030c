"""Attack (finding 10): `followup --output` and `consent export --output` wrote the file and
then chmod-ed it (briefly 0644 for anyone to read), and followed a symlink planted at the
path. Also: everything the service creates is 0600 (umask 077 set by `notifier`)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from notifier.cli import main
from notifier.core.db import Database
from notifier.core.output import OutputError, write_private
from tests.conftest import TEST_CRYPTO

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-12-01T12:00"


@pytest.fixture(autouse=True)
def _restore_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what a shell usually gives
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def env(tmp_path: Path) -> Path:
    """The example settings on a fresh SQLite file with the example roster."""
    path = tmp_path / "s.env"
    path.write_text(
        (ROOT / "settings.example.env")
        .read_text()
        .replace(
            "NOTIFIER_DATABASE_URL=sqlite:///notifier.db",
            f"NOTIFIER_DATABASE_URL=sqlite:///{tmp_path / 'data' / 'n.db'}",
        )
    )
    roster = str(ROOT / "notifier" / "examples" / "roster.csv")
    assert main(["--env-file", str(path), "clients", "import", roster, "--now", NOW]) == 0
    return path


COMMANDS = {
    "followup": ["followup", "evening", "--now", NOW, "--format", "csv", "--output"],
    "consent": ["consent", "export", "--output"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_output_through_a_planted_symlink_is_refused_and_nothing_written(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file\n")
    planted = tmp_path / "out.csv"
    planted.symlink_to(victim)
    capsys.readouterr()
    assert main(["--env-file", str(env), *COMMANDS[command], str(planted)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--output" in err and "symbolic link" in err
    assert victim.read_text() == "someone else's file\n"
    assert planted.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_output_file_is_0600_from_creation_and_a_rerun_replaces_it(
    env: Path, tmp_path: Path, command: str
) -> None:
    out = tmp_path / "out.csv"
    assert main(["--env-file", str(env), *COMMANDS[command], str(out)]) == 0
    assert mode(out) == 0o600 and out.read_text()
    # A rerun over an existing (even world-readable) file: replaced, owner-only again.
    os.chmod(out, 0o644)
    link = tmp_path / "hardlink"
    os.link(out, link)
    first = out.read_text()
    assert main(["--env-file", str(env), *COMMANDS[command], str(out)]) == 0
    assert mode(out) == 0o600 and out.read_text() == first
    assert os.stat(link).st_ino != os.stat(out).st_ino  # replaced, not written through


def test_private_file_is_never_readable_by_others_even_with_umask_0(tmp_path: Path) -> None:
    """Created 0600 by O_EXCL (mkstemp), never created open and chmod-ed after."""
    os.umask(0)
    path = write_private(tmp_path / "f.txt", "health information\n")
    assert mode(path) == 0o600


def test_private_file_refuses_a_directory_or_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not a regular file"):
        write_private(tmp_path, "x")
    with pytest.raises(OutputError, match="existing directory"):
        write_private(tmp_path / "nowhere" / "f.txt", "x")


def test_database_wal_shm_and_key_file_are_created_0600(env: Path, tmp_path: Path) -> None:
    """`notifier` sets umask 077 before it opens anything: the SQLite file and its key file
    (created by the import in the fixture), and the -wal/-shm of a connection made after."""
    data = tmp_path / "data"
    database = Database(f"sqlite:///{data / 'n.db'}", crypto=TEST_CRYPTO)
    try:
        with database.engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM clients").scalar()
            created = sorted(p.name for p in data.iterdir())
            assert {"n.db", "n.db-wal", "n.db-shm", "n.key"} <= set(created), created
            for name in created:
                assert mode(data / name) == 0o600, name
    finally:
        database.dispose()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_key_file_is_never_written_through_a_planted_symlink(tmp_path: Path) -> None:
    from notifier.core.keys import KeysError, write_key_file

    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched")
    (tmp_path / "notifier.key.tmp").symlink_to(elsewhere)  # the old fixed temporary name
    write_key_file(tmp_path / "notifier.key", ["k1"])
    assert elsewhere.read_text() == "untouched"
    assert stat.S_IMODE((tmp_path / "notifier.key").stat().st_mode) == 0o600
    (tmp_path / "planted.key").symlink_to(elsewhere)
    with pytest.raises(KeysError, match="NOTIFIER_KEY_FILE"):
        write_key_file(tmp_path / "planted.key", ["k1"])
    assert elsewhere.read_text() == "untouched"
