"""`notifier alerts [--open] [--format json]` and `notifier alerts ack`, on SQLite and
PostgreSQL: the keys, newest first, --open, the note decrypted, never a reply's body."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from notifier.cli import main
from notifier.core.models import Alert, AuditEvent
from notifier.core.settings import load_settings
from notifier.service import Service
from notifier.staff import accounts as staff
from tests.conftest import BASE_SETTINGS, TEST_KEY
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client

NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # a Wednesday noon in New York
ANA = "+13125550101"
KEYS = [
    "id",
    "client",
    "kind",
    "created_at",
    "notify_at",
    "acknowledged_at",
    "acknowledged_by",
    "outcome",
    "note",
    "escalated_at",
    "reply_id",
]


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "settings.env"
    path.write_text(
        f"NOTIFIER_DATABASE_URL={database_url}\n"
        f"NOTIFIER_GROUPS={BASE_SETTINGS['groups']}\n"
        f"NOTIFIER_ENCRYPTION_KEYS={TEST_KEY}\n"
        "NOTIFIER_ONCALL_NUMBERS=(312) 555-0190\n"
        "NOTIFIER_PUBLIC_URL=https://notifier.example.org\n"
        "NOTIFIER_LOG_FORMAT=json\n"
    )
    return path


@pytest.fixture
def service(env: Path) -> Iterator[Service]:
    svc = Service(load_settings(str(env)), transport=FakeTransport(), clock=lambda: NOW)
    add_client(svc.db, "C1", phone=ANA, now=NOW)
    staff.add(svc.db, svc.settings, email="eve@clinic.org", name="Eve", role="facilitator",
              groups=("evening",), now=NOW, password="correct horse battery staple")  # fmt: skip
    yield svc
    svc.close()


def listed(env: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["--env-file", str(env), "alerts", *args, "--format", "json"]) == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


def raise_two(service: Service) -> tuple[int, int]:
    service.receive(from_phone=ANA, body="i took too many pills", now=NOW)
    service.receive(from_phone=ANA, body="what's the point anymore", now=NOW + timedelta(minutes=1))
    with service.db.read() as s:
        ids = list(s.scalars(select(Alert.id).order_by(Alert.id)))
    return ids[0], ids[1]


def ack(env: Path, *args: str) -> int:
    return main(["--env-file", str(env), "alerts", "ack", *args])


def test_alerts_json_keys_newest_first_without_reply_bodies(
    env: Path, service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    crisis_id, concern_id = raise_two(service)
    rows = listed(env, capsys)
    assert [list(r) for r in rows] == [KEYS, KEYS]
    assert [(r["id"], r["kind"], r["client"]) for r in rows] == [
        (concern_id, "concern", "C1"),
        (crisis_id, "crisis", "C1"),
    ]
    first = rows[1]
    assert first["acknowledged_at"] is None and first["acknowledged_by"] is None
    assert first["escalated_at"] is None and isinstance(first["reply_id"], int)
    text = json.dumps(rows)
    assert "pills" not in text and "point" not in text and ANA not in text
    capsys.readouterr()
    assert main(["--env-file", str(env), "alerts"]) == 0
    table = capsys.readouterr().out
    assert "crisis" in table and "pills" not in table and ANA not in table


def test_alerts_open_lists_only_unacknowledged(
    env: Path, service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    crisis_id, concern_id = raise_two(service)
    note = "talked; safe at her sister's"
    by = ("--by", "EVE@clinic.org", "--note", note, "--now", "2026-12-02T12:05")
    assert ack(env, str(crisis_id), "--outcome", "reached", *by) == 0
    assert [r["id"] for r in listed(env, capsys, "--open")] == [concern_id]
    done = next(r for r in listed(env, capsys) if r["id"] == crisis_id)
    assert done["acknowledged_by"] == "eve@clinic.org" and done["outcome"] == "reached"
    assert done["note"] == "talked; safe at her sister's"
    assert str(done["acknowledged_at"]).startswith("2026-12-02T17:05")
    with service.db.read() as s:
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "alert_ack"))
    assert event.address == "cli" and event.detail == f"alert {crisis_id} (crisis): reached"


def test_alerts_ack_once_and_bad_input_is_one_line_exit_2(
    env: Path, service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    crisis_id, _ = raise_two(service)
    assert ack(env, str(crisis_id), "--outcome", "reached", "--by", "eve@clinic.org") == 0
    capsys.readouterr()
    assert ack(env, str(crisis_id), "--outcome", "called_911", "--by", "eve@clinic.org") == 2
    err = capsys.readouterr().err.strip()
    assert "already recorded by Eve" in err and len(err.splitlines()) == 1
    assert ack(env, "999", "--outcome", "reached", "--by", "eve@clinic.org") == 2
    assert "no such alert" in capsys.readouterr().err
    assert ack(env, str(crisis_id), "--outcome", "reached", "--by", "nobody@clinic.org") == 2
    assert "--by" in capsys.readouterr().err


def test_alerts_ack_stops_the_escalation(env: Path, service: Service) -> None:
    crisis_id, _ = raise_two(service)
    assert ack(env, str(crisis_id), "--outcome", "left_message", "--by", "eve@clinic.org",
               "--now", "2026-12-02T12:10") == 0  # fmt: skip
    assert service.escalate_step(NOW + timedelta(minutes=20)).escalated == ()
