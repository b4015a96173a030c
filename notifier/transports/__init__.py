"""SMS transports: one small interface (see base.py), a console one and a Twilio one."""

from __future__ import annotations

from notifier.core.settings import Settings
from notifier.transports.base import SendResult, Transport, TransportError

__all__ = ["SendResult", "Transport", "TransportError", "build_transport"]


def build_transport(settings: Settings) -> Transport:
    if settings.sms_backend == "twilio":
        from notifier.transports.twilio import TwilioTransport

        return TwilioTransport.from_settings(settings)
    from notifier.transports.console import ConsoleTransport

    return ConsoleTransport()
