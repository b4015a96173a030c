"""Two-way through the CLI and the jobs: inbound, replies, followup, the poller, reports."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from notifier.cli import main
from notifier.core.models import SENT
from notifier.core.settings import Settings
from notifier.service import Service
from tests.fakes.twilio_server import FakeTwilio
from tests.helpers import add_client, get_message, messages, put_message

ROOT = Path(__file__).resolve().parents[2]
ROSTER = ROOT / "notifier" / "examples" / "roster.csv"
SID, TOKEN = "AC" + "0" * 32, "test-token"


def run(env: Path, *args: str) -> int:
    return main(["--env-file", str(env), *args])


def test_inbound_replies_and_followup_through_the_cli(
    env_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(env_file, "clients", "import", str(ROSTER), "--now", "2026-11-01T09:00")
    run(env_file, "tick", "--now", "2026-11-28T12:00")  # Saturday: everyone's check-in
    assert (
        run(
            env_file,
            "inbound",
            "--from",
            "(312) 555-0101",
            "--body",
            "8",
            "--now",
            "2026-11-28T12:20",
        )
        == 0
    )
    assert "checkin_answer, score 8" in capsys.readouterr().out
    run(
        env_file,
        "inbound",
        "--from",
        "(312) 555-0102",
        "--body",
        "I want to die",
        "--now",
        "2026-11-28T22:30",
        "--sid",
        "SM" + "1" * 32,
    )
    out = capsys.readouterr().out
    assert "crisis" in out and "crisis_alert" in out and "sent=2" in out
    run(
        env_file,
        "inbound",
        "--from",
        "(312) 555-0102",
        "--body",
        "I want to die",
        "--now",
        "2026-11-28T22:31",
        "--sid",
        "SM" + "1" * 32,
    )
    assert "already recorded" in capsys.readouterr().out
    run(
        env_file,
        "inbound",
        "--from",
        "(602) 555-0103",
        "--body",
        "el grupo me ayuda mucho",
        "--now",
        "2026-11-29T10:00",
    )
    assert run(env_file, "inbound", "--from", "not-a-number", "--body", "x") == 2
    capsys.readouterr()

    assert run(env_file, "replies", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id", "client", "received_at", "body", "category", "score", "in_reply_to"} <= set(
        rows[0]
    )
    assert [r["category"] for r in rows] == ["free_text", "crisis", "checkin_answer"]
    assert run(env_file, "replies", "--client", "C001", "--format", "json") == 0
    assert [r["score"] for r in json.loads(capsys.readouterr().out)] == [8]

    assert (
        run(env_file, "followup", "evening", "--now", "2026-11-30T09:00", "--format", "json") == 0
    )
    digest = json.loads(capsys.readouterr().out)
    assert digest["group"] == "evening"
    assert digest["session_start"] == "2026-11-30T23:00:00+00:00"
    names = [c["first_name"] for c in digest["clients"]]
    assert names[0] == "Ben" and digest["clients"][0]["flags"][0] == "crisis"
    ana = next(c for c in digest["clients"] if c["first_name"] == "Ana")
    # Her 8 answered that day's check-in, which asked about stress: high_score, not high_craving
    # (high_craving names a cravings score only).
    assert "high_score" in ana["flags"] and "stress" in ana["scores"]
    carla = next(c for c in digest["clients"] if c["first_name"] == "Carla")
    assert carla["replies"][0]["body"] == "el grupo me ayuda mucho"

    for fmt in ("table", "csv"):
        assert (
            run(env_file, "followup", "evening", "--now", "2026-11-30T09:00", "--format", fmt) == 0
        )
        assert "Ben" in capsys.readouterr().out
    target = tmp_path / "evening.html"
    assert (
        run(
            env_file,
            "followup",
            "evening",
            "--now",
            "2026-11-30T09:00",
            "--format",
            "html",
            "--output",
            str(target),
        )
        == 0
    )
    assert "<svg" in target.read_text()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert run(env_file, "followup", "nosuchgroup") == 2
    assert "no group 'nosuchgroup'" in capsys.readouterr().err


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio(SID, TOKEN) as server:
        yield server


def twilio_settings(make_settings: Callable[..., Settings], url: str, base: str) -> Settings:
    return make_settings(
        database_url=url,
        sms_backend="twilio",
        escalation_tiers="15m: +13125550191",
        twilio_account_sid=SID,
        twilio_auth_token=TOKEN,
        twilio_from_number="+13125550100",
        public_url="https://notifier.example.org",
        twilio_api_base=base,
        retry_backoff="1s",
        # These tests run on the wall clock (the fake Twilio dates its records by it): quiet
        # hours off, so a run at night in New York does not skip the sends they check.
        quiet_hours="off",
    )


def test_poller_recovers_a_reply_the_webhook_missed(
    fake_twilio: FakeTwilio, database_url: str, make_settings: Callable[..., Settings]
) -> None:
    s = twilio_settings(make_settings, database_url, fake_twilio.base_url)
    svc = Service(s)
    now = datetime.now(UTC)
    add_client(svc.db, "C1", phone="+13125550101", now=now)
    # The webhook was down: Twilio holds the replies; only the poller can see them.
    fake_twilio.add_inbound(
        "+13125550101", "+13125550100", "HELP", date_sent=now - timedelta(minutes=3)
    )
    fake_twilio.add_inbound(
        "+13125550177", "+13125550100", "who is this", date_sent=now - timedelta(minutes=2)
    )
    assert svc.poll_step(now) == 2
    assert svc.poll_step(now + timedelta(minutes=1)) == 0  # seen already: nothing twice
    help_replies = [m for m in fake_twilio.messages() if m["to"] == "+13125550101"]
    assert len(help_replies) == 1 and "(312) 555-0100" in help_replies[0]["body"]
    assert not [m for m in fake_twilio.messages() if m["to"] == "+13125550177"]
    svc.close()


def test_poller_settles_an_unknown_send_by_lookup(
    fake_twilio: FakeTwilio, database_url: str, make_settings: Callable[..., Settings]
) -> None:
    s = twilio_settings(make_settings, database_url, fake_twilio.base_url)
    svc = Service(s)
    now = datetime.now(UTC)
    c = add_client(svc.db, "C1", phone="+13125550101", now=now)
    mid = put_message(svc.db, c.id, due=now - timedelta(seconds=5))
    fake_twilio.lose_response_next(1)
    svc.dispatcher.run_once(now)
    assert get_message(svc.db, mid).needs_lookup
    svc.poll_step(now + timedelta(seconds=1))
    m = get_message(svc.db, mid)
    assert m.status == SENT and m.provider_sid == fake_twilio.messages()[0]["sid"]
    assert len(fake_twilio.messages()) == 1
    svc.close()


def test_report_job_writes_the_page_once_before_each_session(
    tmp_path: Path, database_url: str, make_settings: Callable[..., Settings]
) -> None:
    reports = tmp_path / "reports"
    s = make_settings(database_url=database_url, reports_dir=str(reports), report_lead="2h")
    svc = Service(s)
    start = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)  # Mon 18:00 EST, evening group
    add_client(svc.db, "C1", now=start - timedelta(days=3))
    svc.plan_step(start - timedelta(days=1))
    assert svc.report_step(start - timedelta(hours=3)) == []  # too early
    written = svc.report_step(start - timedelta(hours=1, minutes=50))
    assert [Path(p).name for p in written] == ["followup-evening-2026-11-30-1800.html"]
    page = Path(written[0])
    assert "<svg" in page.read_text() and stat.S_IMODE(os.stat(page).st_mode) == 0o600
    assert svc.report_step(start - timedelta(hours=1)) == []  # once per meeting
    assert "reports" in svc.extra_jobs()
    svc.close()


def test_acknowledgement_and_crisis_are_sent_through_twilio(
    fake_twilio: FakeTwilio, database_url: str, make_settings: Callable[..., Settings]
) -> None:
    s = twilio_settings(make_settings, database_url, fake_twilio.base_url)
    svc = Service(s)
    now = datetime.now(UTC)
    add_client(svc.db, "C1", phone="+13125550101", now=now)
    svc.receive(from_phone="+13125550101", body="overdose", now=now)
    svc.send_now(now)
    to = sorted(m["to"] for m in fake_twilio.messages())
    assert to == ["+13125550101", "+13125550190"]
    assert all(m.status == SENT for m in messages(svc.db))
    svc.close()
