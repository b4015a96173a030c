"""Settings: every variable parsed; a bad value is one line naming variable, value, expectation."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from notifier.cli import main
from notifier.core.settings import Settings, SettingsError
from notifier.core.settings_load import known_env_names, load_settings

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "settings.example.env"


def test_example_env_file_runs_as_is() -> None:
    s = load_settings(EXAMPLE)
    assert s.sms_backend == "console"
    assert [g.name for g in s.groups] == ["evening", "morning"]
    evening = s.groups[0]
    assert (
        evening.days == (0, 2, 3) and evening.start == time(18) and evening.location == "Suite 200"
    )
    assert [o.text for o in s.reminder_offsets] == ["24h", "2h"]
    assert s.reminder_offsets[0].whole_days == 1 and s.reminder_offsets[1].whole_days is None
    assert s.quiet_hours is not None and s.quiet_hours.start == time(21)
    assert s.skip_dates[0] == date(2026, 12, 24)
    assert s.oncall_numbers == ("+13125550190",)
    assert s.plan_horizon == timedelta(days=8)
    assert s.reports_dir is None and s.key_file is None  # "NAME=" means unset


def test_example_env_documents_every_variable() -> None:
    text = EXAMPLE.read_text()
    documented = {
        line.split("=", 1)[0]
        for line in text.splitlines()
        if line and not line.startswith("#") and "=" in line
    }
    assert documented == set(known_env_names())
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line and not line.startswith("#"):
            assert any(lines[j].startswith("#") for j in range(max(0, i - 3), i)), line


def test_environment_overrides_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / "x.env"
    env.write_text("NOTIFIER_CHECKIN_TIME=12:00\nNOTIFIER_HTTP_PORT=9000\n")
    monkeypatch.setenv("NOTIFIER_CHECKIN_TIME", "13:30")
    s = load_settings(env)
    assert s.checkin_time == time(13, 30) and s.http_port == 9000


def test_default_env_file_is_settings_env_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "settings.env").write_text("NOTIFIER_CHECKIN_TIME=10:15\n")
    assert load_settings().checkin_time == time(10, 15)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("NOTIFIER_QUIET_HOURS", "21:00-25:00", "24-hour time"),
        ("NOTIFIER_QUIET_HOURS", "late", "HH:MM-HH:MM"),
        ("NOTIFIER_GROUPS", "evening mon 18:00", "name: mon,wed 18:00-21:00"),
        ("NOTIFIER_GROUPS", "evening: funday 18:00-21:00", "weekdays"),
        ("NOTIFIER_GROUPS", "evening: mon 21:00-18:00", "end after the start"),
        ("NOTIFIER_REMINDER_OFFSETS", "24h,soon", "duration"),
        ("NOTIFIER_CHECKIN_DAYS", "sometimes", "non-session"),
        ("NOTIFIER_CHECKIN_TIME", "noon", "HH:MM"),
        ("NOTIFIER_SKIP_DATES", "2026-12-32", "YYYY-MM-DD"),
        ("NOTIFIER_TIMEZONE", "Mars/Olympus", "IANA time zone"),
        ("NOTIFIER_SMS_BACKEND", "pigeon", "'console' or 'twilio'"),
        ("NOTIFIER_HTTP_PORT", "eighty", "valid integer"),
        ("NOTIFIER_HTTP_PORT", "70000", "65535"),
        ("NOTIFIER_ONCALL_NUMBERS", "12", "phone numbers"),
        ("NOTIFIER_DEFAULT_REGION", "ZZ", "region code"),
        ("NOTIFIER_PUBLIC_URL", "notifier.example.org", "http(s) URL"),
        ("NOTIFIER_DATABASE_URL", "mysql://x/y", "sqlite:///"),
        ("NOTIFIER_SEND_CONCURRENCY", "0", "greater than or equal to 1"),
        ("NOTIFIER_PLAN_HORIZON", "0d", "greater than zero"),
        ("NOTIFIER_CHECKIN_QUESTIONS", "how are you?", "label: question"),
    ],
)
def test_rule_bad_input_setting_is_one_line_naming_variable_value_and_expectation(
    name: str, value: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings(EXAMPLE)
    line = str(err.value)
    assert "\n" not in line
    assert line.startswith(f"{name}=")
    assert value in line
    assert expected in line


def test_rule_bad_input_setting_exits_2_with_one_line_and_no_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOTIFIER_QUIET_HOURS", "9pm-8am")
    assert main(["--env-file", str(EXAMPLE), "outbox"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("notifier: NOTIFIER_QUIET_HOURS='9pm-8am': expected")
    assert "Traceback" not in err


def test_twilio_backend_requires_credentials_and_public_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFIER_SMS_BACKEND", "twilio")
    monkeypatch.setenv("NOTIFIER_ESCALATION_TIERS", "15m: +13125550191")
    with pytest.raises(SettingsError) as err:
        load_settings(EXAMPLE)
    assert "TWILIO_ACCOUNT_SID" in str(err.value) and "NOTIFIER_PUBLIC_URL" in str(err.value)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "secret")
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "(312) 555-0100")
    monkeypatch.setenv("NOTIFIER_PUBLIC_URL", "https://notifier.example.org/")
    s = load_settings(EXAMPLE)
    assert s.twilio_from_number == "+13125550100"
    assert s.public_url == "https://notifier.example.org"


def test_secrets_are_never_echoed_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFIER_DATABASE_URL", "mysql://user:hunter2@db/x")
    with pytest.raises(SettingsError) as err:
        load_settings(EXAMPLE)
    assert "hunter2" not in str(err.value) and "user:***@" in str(err.value)


def test_unknown_notifier_variable_in_env_file_is_reported(tmp_path: Path) -> None:
    env = tmp_path / "typo.env"
    env.write_text("NOTIFIER_QUIET_HOUR=22:00-07:00\n")
    with pytest.raises(
        SettingsError, match=r"NOTIFIER_QUIET_HOUR .*expected one of the documented"
    ):
        load_settings(env)


def test_missing_env_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--env-file", str(tmp_path / "nope.env"), "outbox"]) == 2
    assert "expected an existing env file" in capsys.readouterr().err


def test_settings_are_built_not_imported() -> None:
    # Building twice gives independent objects: nothing global is read at import time.
    a = Settings(_env_file=None, checkin_time="09:00")  # type: ignore[call-arg]
    b = Settings(_env_file=None, checkin_time="10:00")  # type: ignore[call-arg]
    assert a.checkin_time != b.checkin_time
