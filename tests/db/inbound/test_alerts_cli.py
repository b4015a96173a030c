"""`notifier alerts [--open] [--format json]`, `alerts claim`, `alerts outcome` (and `alerts ack`),
on SQLite and PostgreSQL: the contract keys, newest first, --open, the whole history, the
§2.51 record of a 911 call, never a reply's body or a note in a listing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from notifier.cli import main
from notifier.core.models import Alert, AlertEvent, AuditEvent, Message
from notifier.core.settings_load import load_settings
from notifier.service import Service
from notifier.staff import accounts as staff
from tests.conftest import BASE_SETTINGS, TEST_KEY
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client

NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # a Wednesday noon in New York
ANA, BEN = "+13125550101", "+13125550102"
CONTRACT = ["id", "client", "kind", "raised_at", "state", "tier", "outcomes"]


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "settings.env"
    path.write_text(
        f"NOTIFIER_DATABASE_URL={database_url}\n"
        f"NOTIFIER_GROUPS={BASE_SETTINGS['groups']}\n"
        f"NOTIFIER_ENCRYPTION_KEYS={TEST_KEY}\n"
        "NOTIFIER_ONCALL_NUMBERS=(312) 555-0190\n"
        "NOTIFIER_ESCALATION_TIERS=15m: (312) 555-0191; 30m: (312) 555-0192\n"
        "NOTIFIER_PUBLIC_URL=https://notifier.example.org\n"
        "NOTIFIER_LOG_FORMAT=json\n"
    )
    return path


@pytest.fixture
def service(env: Path) -> Iterator[Service]:
    svc = Service(load_settings(str(env)), transport=FakeTransport(), clock=lambda: NOW)
    add_client(svc.db, "C1", phone=ANA, now=NOW)
    add_client(svc.db, "C2", first_name="Ben", phone=BEN, now=NOW)
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
    service.receive(from_phone=BEN, body="what's the point anymore", now=NOW + timedelta(minutes=1))
    with service.db.read() as s:
        ids = list(s.scalars(select(Alert.id).order_by(Alert.id)))
    return ids[0], ids[1]


def run(env: Path, *args: str) -> int:
    return main(["--env-file", str(env), "alerts", *args])


def at(minutes: int) -> str:
    return (NOW + timedelta(minutes=minutes)).isoformat()


def test_alerts_json_has_the_contract_keys_newest_first_without_bodies_or_notes(
    env: Path, service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    crisis_id, concern_id = raise_two(service)
    rows = listed(env, capsys)
    assert all(list(r)[: len(CONTRACT)] == CONTRACT for r in rows)
    assert [(r["id"], r["kind"], r["client"], r["state"], r["tier"]) for r in rows] == [
        (concern_id, "concern", "C2", "open", 0),
        (crisis_id, "crisis", "C1", "open", 0),
    ]
    assert rows[1]["outcomes"] == [] and str(rows[1]["raised_at"]).startswith("2026-12-02T17:00")
    text = json.dumps(rows)
    assert "pills" not in text and "point" not in text and ANA not in text
    capsys.readouterr()
    assert main(["--env-file", str(env), "alerts"]) == 0
    table = capsys.readouterr().out
    assert "crisis" in table and "pills" not in table and ANA not in table


def test_claim_then_outcomes_over_time_newest_last_and_audited_in_the_change(
    env: Path,
    service: Service,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crisis_id, concern_id = raise_two(service)
    assert run(env, "claim", str(crisis_id), "--by", "EVE@clinic.org", "--now", at(5)) == 0
    row = next(r for r in listed(env, capsys, "--now", at(6)) if r["id"] == crisis_id)
    assert row["state"] == "claimed"
    monkeypatch.setattr("sys.stdin", io.StringIO("voicemail, will try again"))
    assert run(env, "outcome", str(crisis_id), "--outcome", "left_message", "--by",
               "eve@clinic.org", "--note-stdin", "--now", at(8)) == 0  # fmt: skip
    assert run(env, "ack", str(crisis_id), "--outcome", "reached", "--by", "eve@clinic.org",
               "--now", at(40)) == 0  # fmt: skip
    assert [r["id"] for r in listed(env, capsys, "--open")] == [concern_id]
    done = next(r for r in listed(env, capsys) if r["id"] == crisis_id)
    assert done["state"] == "closed"
    assert [(o["outcome"], o["by"]) for o in done["outcomes"]] == [  # type: ignore[union-attr]
        ("left_message", "eve@clinic.org"),
        ("reached", "eve@clinic.org"),
    ]
    assert "voicemail" not in json.dumps(done)  # no note text in a listing
    with service.db.read() as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [(e.action, e.detail) for e in events if e.action.startswith("alert")] == [
        ("alert_claim", f"alert {crisis_id} (crisis): claimed"),
        ("alert_ack", f"alert {crisis_id} (crisis): left_message"),
        ("alert_ack", f"alert {crisis_id} (crisis): reached"),
    ]
    assert all(e.address == "cli" and "voicemail" not in (e.detail or "") for e in events)


def test_called_911_needs_the_part2_record_and_keeps_it(
    env: Path, service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    crisis_id, _ = raise_two(service)
    capsys.readouterr()
    assert run(env, "outcome", str(crisis_id), "--outcome", "called_911", "--by",
               "eve@clinic.org") == 2  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "§2.51" in err
    record = ("--to", "Dispatcher 14", "--facility", "Cook County 911",
              "--emergency", "overdose, not breathing")  # fmt: skip
    assert run(env, "outcome", str(crisis_id), "--outcome", "called_911", "--by",
               "eve@clinic.org", *record, "--now", at(3)) == 0  # fmt: skip
    with service.db.read() as s:
        (event,) = s.scalars(select(AlertEvent).where(AlertEvent.event == "called_911"))
        actions = [e.action for e in s.scalars(select(AuditEvent))]
    assert (event.disclosed_to, event.facility, event.emergency) == (
        "Dispatcher 14", "Cook County 911", "overdose, not breathing")  # fmt: skip
    assert event.staff_id == service_staff_id(service) and event.at == NOW + timedelta(minutes=3)
    assert "part2_disclosure" in actions
    # 911 keeps the alert open: the next try is due (someone must find out what happened).
    row = next(r for r in listed(env, capsys) if r["id"] == crisis_id)
    assert row["state"] == "open" and row["due_reason"] == "retry"


def service_staff_id(service: Service) -> int:
    with service.db.read() as s:
        found = staff.find(s, "eve@clinic.org")
        assert found is not None
        return found.id


def test_bad_input_is_one_line_exit_2_and_a_closed_alert_takes_no_more(
    env: Path, service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    crisis_id, _ = raise_two(service)
    assert run(env, "outcome", str(crisis_id), "--outcome", "safe", "--by", "eve@clinic.org") == 0
    capsys.readouterr()
    for args, expected in [
        (("outcome", str(crisis_id), "--outcome", "reached"), "is closed: Safe"),
        (("claim", str(crisis_id)), "is closed"),
        (("outcome", "999", "--outcome", "reached"), "no such alert"),
    ]:
        assert run(env, *args, "--by", "eve@clinic.org") == 2
        err = capsys.readouterr().err.strip()
        assert expected in err and len(err.splitlines()) == 1, err
    assert run(env, "claim", str(crisis_id), "--by", "nobody@clinic.org") == 2
    assert "--by" in capsys.readouterr().err


def test_left_message_keeps_it_open_and_not_reached_after_n_tries_escalates(
    env: Path, service: Service
) -> None:
    crisis_id, _ = raise_two(service)
    by = ("--by", "eve@clinic.org")
    assert run(env, "claim", str(crisis_id), *by, "--now", at(1)) == 0
    assert run(env, "outcome", str(crisis_id), "--outcome", "left_message", *by,
               "--now", at(2)) == 0  # fmt: skip
    # Held: no tier while the next try is not yet due (30 min after the message).
    assert service.escalate_step(NOW + timedelta(minutes=20)).escalated == ()
    for minute in (3, 4):  # attempts 2 and 3 (NOTIFIER_ALERT_ATTEMPTS=3)
        assert run(env, "outcome", str(crisis_id), "--outcome", "not_reached", *by,
                   "--now", at(minute)) == 0  # fmt: skip
    # The third try escalates at once to tier 1.
    assert service.escalate_step(NOW + timedelta(minutes=4)).escalated == (crisis_id,)
    with service.db.read() as s:
        alert = s.get_one(Alert, crisis_id)
        texts = list(s.scalars(select(Message).where(Message.dedupe_key.like("escalate:%"))))
    assert alert.tier == 1 and alert.attempts == 3 and alert.state == "open"
    assert [m.recipient for m in texts] == ["+13125550191"]


def test_tick_runs_the_escalation_step_too(
    env: Path, service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    crisis_id, _ = raise_two(service)
    capsys.readouterr()
    assert main(["--env-file", str(env), "tick", "--now", at(15)]) == 0
    assert "escalated 1 alert(s)" in capsys.readouterr().out
    row = next(r for r in listed(env, capsys, "--now", at(16)) if r["id"] == crisis_id)
    assert row["tier"] == 1
