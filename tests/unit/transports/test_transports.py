"""Transports declare what they can do, so nothing outside notifier/transports asks which
provider it is; Twilio's status words become ours in notifier/transports/twilio/status.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from notifier.core.models import DELIVERED, FAILED, SENT
from notifier.core.settings import Settings
from notifier.transports import BACKENDS, build_transport
from notifier.transports.base import StatusReport
from notifier.transports.twilio import status


def test_each_backend_declares_its_capabilities(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    console = build_transport(make_settings())
    assert (console.name, console.real, console.polls, console.local) == (
        "console",
        False,
        False,
        True,
    )
    twilio = build_transport(
        make_settings(
            sms_backend="twilio",
            escalation_tiers="15m: +13125550191",
            twilio_account_sid="AC" + "1" * 32,
            twilio_auth_token="t",
            twilio_from_number="+13125550100",
            public_url="https://n.example.org",
        )
    )
    assert (twilio.name, twilio.real, twilio.polls, twilio.local) == ("twilio", True, True, False)
    twilio.close()
    assert set(BACKENDS) == {"console", "twilio"}
    assert make_settings().real_sms is False


def test_twilio_status_callbacks_in_our_words() -> None:
    assert status.report("queued", None) == StatusReport(SENT)
    assert status.report(" Delivered ", None) == StatusReport(DELIVERED)
    assert status.report("failed", "30006") == StatusReport(FAILED, "30006")
    blocked = status.report("undelivered", "21610")
    assert blocked is not None and blocked.opted_out and blocked.source == "twilio:status:21610"
    assert status.report("teleported", None) is None
