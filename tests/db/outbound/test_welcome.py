"""The welcome text at enrolment (CTIA/FCC: brand, what and how often, HELP/STOP; not read
24/7, 911/988): once per client when `notifier clients import` records consent, after the
client's quiet hours, in their language. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from notifier.cli import main
from notifier.core.models import WELCOME
from notifier.core.settings_load import load_settings
from notifier.outbound.wording import segments
from notifier.service import Service
from tests.conftest import TEST_KEY
from tests.fakes.transport import FakeTransport
from tests.helpers import messages

NY = ZoneInfo("America/New_York")
HEADER = "external_id,first_name,phone,group,start_date,end_date,timezone,consent,language"


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "settings.env"
    path.write_text(
        f"NOTIFIER_DATABASE_URL={database_url}\nNOTIFIER_ENCRYPTION_KEYS={TEST_KEY}\n"
        "NOTIFIER_PROGRAM_NAME=Westside Texts\nNOTIFIER_LOG_FORMAT=json\n"
        "NOTIFIER_ONCALL_NUMBERS=(312) 555-0190\n"
        "NOTIFIER_GROUPS=evening: mon,wed 18:00-21:00\n"
    )
    return path


def roster(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("\n".join((HEADER, *lines)) + "\n")
    return path


def test_rule_welcome_once_when_consent_is_recorded_after_quiet_hours_in_their_language(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = roster(
        tmp_path,
        "C1,Ana,(312) 555-0101,evening,,,America/New_York,yes,en",
        "C2,Ramón,(312) 555-0102,evening,,,America/New_York,yes,es",
        "C3,Ben,(312) 555-0103,evening,,,America/New_York,no,en",
    )
    night = "2026-12-01T23:30-05:00"
    assert main(["--env-file", str(env), "clients", "import", str(file), "--now", night]) == 0
    assert "2 welcome text(s) queued" in capsys.readouterr().out
    # Imported again: nothing more.
    assert main(["--env-file", str(env), "clients", "import", str(file), "--now", night]) == 0
    assert "0 welcome text(s) queued" in capsys.readouterr().out
    settings = load_settings(str(env))
    svc = Service(settings, transport=FakeTransport(), clock=lambda: morning)
    try:
        rows = messages(svc.db, kind=WELCOME)
        morning = datetime(2026, 12, 2, 8, 0, tzinfo=NY).astimezone(UTC)
        assert len(rows) == 2 and all(r.due_at == morning for r in rows)  # after quiet hours
        svc.send_now(morning)
        fake = svc.transport
        assert isinstance(fake, FakeTransport)
        sent = {a.to: a.body for a in fake.accepted}
    finally:
        svc.close()
    en, es = sent["+13125550101"], sent["+13125550102"]
    for part in ("Westside Texts", "not read 24/7", "911", "988", "HELP", "STOP", "a week"):
        assert part in en, part
    assert es.startswith("Hola Ramon,") and "INFO" in es and "BAJA" in es and "24 horas" in es
    assert segments(en) == ("GSM-7", 2) and segments(es)[0] == "GSM-7"
    assert "+13125550103" not in sent  # no consent, no text
    capsys.readouterr()
    assert main(["--env-file", str(env), "outbox", "--format", "json"]) == 0
    kinds = [r["kind"] for r in json.loads(capsys.readouterr().out)]
    assert kinds.count("welcome") == 2
