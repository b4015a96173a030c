"""The embedded default: no SMS leaves the machine; each send is a masked log line."""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import datetime

from notifier.core.logs import mask_phone
from notifier.transports.base import ProviderMessage, SendResult

log = logging.getLogger("notifier.sms.console")


class ConsoleTransport:
    name = "console"
    real = False  # nothing reaches a phone
    polls = False  # nobody can reply to a log line
    local = True  # sends without waiting on a network: the dispatcher need not use threads
    voice = True  # a call is a log line too

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sent = 0

    def send(
        self, to: str, body: str, *, message_id: int, valid_for: float | None = None
    ) -> SendResult:
        sid = "CN" + uuid.uuid4().hex
        with self._lock:
            self.sent += 1
        # Never the number or the text: a log line is not a place for health information.
        log.info(
            "sms sent (console)",
            extra={
                "event": "sms.console",
                "message_id": message_id,
                "to": mask_phone(to),
                "chars": len(body),
                "sid": sid,
            },
        )
        return SendResult(provider_sid=sid)

    def call(self, to: str, say: str, *, message_id: int) -> SendResult:
        sid = "CC" + uuid.uuid4().hex
        log.info(
            "call placed (console)",
            extra={"event": "call.console", "message_id": message_id, "to": mask_phone(to),
                   "chars": len(say), "sid": sid},
        )  # fmt: skip
        return SendResult(provider_sid=sid)

    def lookup(self, to: str, body: str, since: datetime) -> ProviderMessage | None:
        return None  # a console send cannot be lost between the call and the commit

    def list_inbound(self, since: datetime) -> list[ProviderMessage]:
        return []

    def close(self) -> None:
        pass
