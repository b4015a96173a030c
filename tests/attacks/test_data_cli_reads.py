"""Attack by a curious insider at the shell (issue 17, N10): reading health information
through the CLI left no trace. ``followup`` was audited; ``clients list --format json`` (full
numbers), ``replies --client``, ``outbox --client``, ``consent export`` and ``alerts`` were
not. Every read of client data, by any interface, is now an audit event (address ``cli``; the
client by row id when one is named)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from notifier.cli import main
from notifier.core.db import Database
from notifier.core.models import AuditEvent, Client
from notifier.roster.clients import external_id_filter
from tests.conftest import TEST_CRYPTO, TEST_KEY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(tmp_path: Path) -> tuple[Callable[..., int], Database]:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    env = tmp_path / "settings.env"
    env.write_text(
        (ROOT / "settings.example.env").read_text()
        .replace("NOTIFIER_DATABASE_URL=sqlite:///notifier.db", f"NOTIFIER_DATABASE_URL={url}")
        .replace("NOTIFIER_ENCRYPTION_KEYS=", f"NOTIFIER_ENCRYPTION_KEYS={TEST_KEY}")
    )  # fmt: skip

    def run(*args: str) -> int:
        return main(["--env-file", str(env), *args])

    assert run("clients", "import", str(ROOT / "notifier/examples/roster.csv"),
               "--now", "2026-11-01T09:00") == 0  # fmt: skip
    assert run("inbound", "--from", "(312) 555-0102", "--body", "i want to die",
               "--now", "2026-11-30T17:00") == 0  # fmt: skip
    return run, Database(url, crypto=TEST_CRYPTO)


def rows(db: Database) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


@pytest.mark.parametrize(
    ("command", "one_client"),
    [
        (("clients", "list", "--format", "json"), False),
        (("clients", "list", "--show-phones"), False),
        (("replies",), False),
        (("replies", "--client", "C002"), True),
        (("outbox", "--client", "C002"), True),
        (("outbox",), False),
        (("consent", "export"), False),
        (("alerts",), False),
        (("alerts", "--open", "--format", "json"), False),
        (("sessions", "list", "--now", "2026-11-30T12:00"), False),
        (("attendance", "list", "--group", "evening", "--now", "2026-11-30T12:00"), False),
        (("audit", "export"), False),
    ],
)
def test_every_cli_read_of_client_data_is_audited(
    cli: tuple[Callable[..., int], Database], command: tuple[str, ...], one_client: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    run, db = cli
    before = len(rows(db))
    assert run(*command) == 0
    capsys.readouterr()
    new = rows(db)[before:]
    assert len(new) == 1, [(e.action, e.detail) for e in new]
    [event] = new
    assert event.address == "cli" and event.detail and command[0] in event.detail
    assert "C002" not in (event.detail or "")  # the row id, never the record number
    if one_client:
        with db.read() as s:
            c002 = s.scalar(select(Client.id).where(external_id_filter(TEST_CRYPTO, "C002")))
        assert event.action == "view_client" and event.client_id == c002
    else:
        assert event.action == "view_records" and event.client_id is None
