"""The alert loop's settings: escalation tiers, the claim pause, the program's trading name,
dates without check-ins; and the start-up refusals with the real transport (one line, exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from notifier.cli import main
from notifier.core.settings import Settings, SettingsError
from notifier.core.settings_load import load_settings
from notifier.core.tiers import Tier

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "settings.example.env"
TWILIO = {
    "NOTIFIER_SMS_BACKEND": "twilio",
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TWILIO_AUTH_TOKEN": "secret",
    "TWILIO_FROM_NUMBER": "(312) 555-0100",
    "NOTIFIER_PUBLIC_URL": "https://notifier.example.org",
}


def test_tiers_are_parsed_in_order_with_calls(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(escalation_tiers="15m: (312) 555-0191, +13125550192; 30m call: +13125550193")
    assert s.tiers == (
        Tier(timedelta(minutes=15), ("+13125550191", "+13125550192")),
        Tier(timedelta(minutes=30), ("+13125550193",), call=True),
    )
    assert s.alert_claim_pause == timedelta(minutes=10)  # the default


def test_the_older_escalation_numbers_are_one_tier(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(escalation_numbers="(312) 555-0199", crisis_escalate_after="20m")
    assert s.tiers == (Tier(timedelta(minutes=20), ("+13125550199",)),)
    # Neither set (console only): on-call again, as before.
    assert make_settings().tiers == (Tier(timedelta(minutes=15), ("+13125550190",)),)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("NOTIFIER_ESCALATION_TIERS", "15m +13125550191", "DELAY [call]: NUMBER"),
        ("NOTIFIER_ESCALATION_TIERS", "30m: +13125550191; 15m: +13125550192", "longer than"),
        ("NOTIFIER_ESCALATION_TIERS", "15m: 12", "phone numbers"),
        ("NOTIFIER_ESCALATION_TIERS", "soon: +13125550191", "DELAY"),
        ("NOTIFIER_ALERT_CLAIM_PAUSE", "0m", "greater than zero"),
        ("NOTIFIER_PROGRAM_NAME", "Westside Recovery Texts", "neutral trading name"),
        ("NOTIFIER_PROGRAM_NAME", "A" * 31, "at most 30"),
        ("NOTIFIER_NO_CHECKIN_DATES", "2026-13-01", "YYYY-MM-DD"),
        ("NOTIFIER_GROUPS", "evening: mon 18:00-21:00 @ Addiction Services, Room 4", "addiction"),
    ],
)
def test_rule_bad_input_alert_settings_are_one_line(
    name: str, value: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings(EXAMPLE)
    line = str(err.value)
    assert "\n" not in line and line.startswith(f"{name}=") and expected in line


def test_tiers_and_the_older_numbers_together_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFIER_ESCALATION_TIERS", "15m: +13125550191")
    monkeypatch.setenv("NOTIFIER_ESCALATION_NUMBERS", "+13125550192")
    with pytest.raises(SettingsError, match="not both"):
        load_settings(EXAMPLE)


def _twilio(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for key, value in {**TWILIO, **env}.items():
        monkeypatch.setenv(key, value)


def test_rule_promises_real_transport_refuses_to_start_without_oncall_numbers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _twilio(monkeypatch, NOTIFIER_ONCALL_NUMBERS="", NOTIFIER_ESCALATION_TIERS="15m: +13125550191")
    assert main(["--env-file", str(EXAMPLE), "run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("notifier: NOTIFIER_ONCALL_NUMBERS=")
    assert "on-call" in err


@pytest.mark.parametrize(
    "tiers",
    [
        "15m: +13125550190",  # the on-call number again
        "15m: +13125550191; 30m: (312) 555-0190",  # a later tier of on-call only
    ],
)
def test_rule_promises_real_transport_refuses_tiers_that_reach_nobody_new(
    tiers: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _twilio(monkeypatch, NOTIFIER_ONCALL_NUMBERS="+13125550190", NOTIFIER_ESCALATION_TIERS=tiers)
    assert main(["--env-file", str(EXAMPLE), "run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("notifier: NOTIFIER_ESCALATION_TIERS=")
    assert "nobody new" in err


def test_real_transport_without_any_tier_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Unset, an unanswered crisis would go to the same on-call numbers again.
    _twilio(monkeypatch, NOTIFIER_ONCALL_NUMBERS="+13125550190")
    with pytest.raises(SettingsError, match=r"NOTIFIER_ESCALATION_TIERS=''.*not on call"):
        load_settings(EXAMPLE)
    monkeypatch.setenv("NOTIFIER_ESCALATION_TIERS", "15m: +13125550191; 30m call: +13125550192")
    assert [t.call for t in load_settings(EXAMPLE).tiers] == [False, True]


def test_console_transport_may_run_without_oncall(make_settings: Callable[..., Settings]) -> None:
    # A laptop or the demo: allowed, and the texts then never say the team was told.
    s = make_settings(oncall_numbers="")
    assert s.oncall_numbers == () and s.tiers == ()


def test_skip_dates_are_meetings_only_and_check_ins_have_their_own_dates(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(skip_dates="2026-12-24,2026-12-25", no_checkin_dates="2026-12-25")
    assert s.skip_dates == (date(2026, 12, 24), date(2026, 12, 25))
    assert s.no_checkin_dates == (date(2026, 12, 25),)
    assert make_settings().no_checkin_dates == ()


def test_program_name_has_a_neutral_default(make_settings: Callable[..., Settings]) -> None:
    assert make_settings().program_name == "Reminder Line"
    assert make_settings(program_name="  Westside   Texts ").program_name == "Westside Texts"


def test_rule_part2_a_session_location_that_names_the_program_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / "settings.env"
    env.write_text(f"NOTIFIER_DATABASE_URL=sqlite:///{tmp_path / 'n.db'}\n")
    assert main(["--env-file", str(env), "db", "upgrade"]) == 0
    capsys.readouterr()
    args = ["--env-file", str(env), "sessions", "add", "--client", "C1",
            "--at", "2099-01-05T10:00", "--location", "Addiction Services, Room 4"]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'addiction'" in err and "--location" in err
