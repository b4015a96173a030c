"""SMS transports: one small interface (see base.py), a console one and a Twilio one.

``NOTIFIER_SMS_BACKEND`` names one of :data:`BACKENDS`; everything else asks the transport what
it can do (``real``, ``polls``, ``local``) rather than which one it is."""

from __future__ import annotations

from collections.abc import Callable

from notifier.core.settings import Settings
from notifier.transports.base import SendResult, Transport, TransportError

__all__ = ["SendResult", "Transport", "TransportError", "build_transport"]


def _console(settings: Settings) -> Transport:
    from notifier.transports.console import ConsoleTransport

    return ConsoleTransport()


def _twilio(settings: Settings) -> Transport:
    # Imported only when chosen: the SDK takes a moment to load.
    from notifier.transports.twilio import TwilioTransport

    return TwilioTransport.from_settings(settings)


BACKENDS: dict[str, Callable[[Settings], Transport]] = {"console": _console, "twilio": _twilio}


def build_transport(settings: Settings) -> Transport:
    return BACKENDS[settings.sms_backend](settings)
