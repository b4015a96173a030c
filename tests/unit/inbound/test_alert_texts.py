"""On-call alert texts: the link they carry fits one SMS with a short public URL, and
`notifier check-templates` measures it with the configured one; escalation settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from notifier.core.settings import Settings, SettingsError
from notifier.core.settings_load import load_settings
from notifier.inbound.alerts import OPEN_COMMAND, link_text, new_token, with_link
from notifier.outbound.texts import LINK_SLOT, Templates, duration_text
from notifier.outbound.wording import SAMPLE_VALUES, check, sample_link, segments

EXAMPLE = Path(__file__).resolve().parents[3] / "settings.example.env"
ALERTS = ("alert", "alert_concern", "alert_callback", "alert_escalated")


def alert_findings(settings: Settings) -> list[str]:
    return [
        f"{f.where}: {f.problem}"
        for f in check(settings)
        if any(f.where.endswith(f"/{name}") for name in ALERTS)
    ]


def test_alert_texts_fit_one_segment_with_a_short_public_url(
    make_settings: Callable[..., Settings],
) -> None:
    assert alert_findings(make_settings(public_url="https://notifier.example.org")) == []
    assert alert_findings(make_settings(public_url="https://alerts.clinic.org/n")) == []


def test_check_templates_measures_the_link_with_a_long_public_url(
    make_settings: Callable[..., Settings],
) -> None:
    long_url = "https://notifier.intensive-outpatient-north.example-health.org/staff"
    found = alert_findings(make_settings(public_url=long_url))
    assert found and all("2 SMS segments" in f for f in found)
    assert any("en/alert:" in f for f in found)


def test_check_templates_without_public_url_assumes_a_typical_link(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(public_url="")
    assert sample_link(settings) == "https://notifier.example.org/a/XXXXXXXXXX"
    assert len(sample_link(settings)) > len(OPEN_COMMAND)
    assert alert_findings(settings) == []


def test_alert_text_with_link_is_one_gsm_segment_and_names_no_reply(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(public_url="https://notifier.example.org")
    token = new_token()
    values = dict(SAMPLE_VALUES, link=LINK_SLOT)
    decided = Templates().render("alert", "en", **values)
    assert LINK_SLOT in decided  # the pure decision leaves the slot for the writer
    text = with_link(decided, link_text(settings, token, has_client=True))
    assert text.endswith(f"Open: https://notifier.example.org/a/{token}")
    assert segments(text) == ("GSM-7", 1)


def test_without_public_url_the_link_is_the_command(
    make_settings: Callable[..., Settings],
) -> None:
    assert link_text(make_settings(public_url=""), "ABCDEFGHJK") == OPEN_COMMAND
    with_url = make_settings(public_url="https://n.example.org")
    # A number on no client's record has its own (audited) page now: a link too.
    assert link_text(with_url, "ABCDEFGHJK", has_client=False).endswith("/a/ABCDEFGHJK")
    assert link_text(with_url, None) == OPEN_COMMAND


def test_escalation_text_is_distinct_and_fits_with_a_long_delay(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(public_url="https://notifier.example.org", crisis_escalate_after="90m")
    assert duration_text(settings.crisis_escalate_after) == "1 h 30 min"
    assert alert_findings(settings) == []
    text = Templates().render("alert_escalated", "en", **dict(SAMPLE_VALUES, after="15 min"))
    assert "NOT YET ANSWERED after 15 min" in text
    assert text != Templates().render("alert", "en", **SAMPLE_VALUES)


def test_duration_text() -> None:
    assert duration_text(timedelta(minutes=15)) == "15 min"
    assert duration_text(timedelta(hours=1)) == "1 h"
    assert duration_text(timedelta(seconds=30)) == "1 min"


def test_escalation_numbers_default_to_every_oncall_number(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(oncall_numbers="(312) 555-0190, (312) 555-0191")
    assert settings.escalation_numbers == ()
    assert settings.escalation_recipients == ("+13125550190", "+13125550191")
    assert settings.crisis_escalate_after == timedelta(minutes=15)
    own = make_settings(escalation_numbers="(312) 555-0199")
    assert own.escalation_recipients == ("+13125550199",)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("NOTIFIER_ESCALATION_NUMBERS", "(312) 555-0199, call Lee", "expected phone numbers"),
        ("NOTIFIER_CRISIS_ESCALATE_AFTER", "soon", "expected"),
        ("NOTIFIER_CRISIS_ESCALATE_AFTER", "0m", "greater than zero"),
    ],
)
def test_escalation_settings_bad_input_is_one_line(
    name: str, value: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings(str(EXAMPLE))
    line = str(err.value)
    assert "\n" not in line and line.startswith(f"{name}=") and expected in line
