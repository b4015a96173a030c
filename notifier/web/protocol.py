"""uvicorn's HTTP/1.1 protocol (h11) with a deadline for a request's headers.

uvicorn limits idle keep-alive connections (``timeout_keep_alive``) but not a client that
sends its request line and headers a byte at a time (slowloris): any byte received cancels the
keep-alive timer, so 200 such connections stayed open 40 s and more. Here a connection must
deliver a complete request head within the deadline, counted from when it opened or from the
end of the previous response; otherwise it is closed. Bodies have their own deadline where
they are read (notifier.web.deps).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("notifier.web")

# The largest request head accepted (h11's default; named here so it is a decision).
MAX_HEAD_BYTES = 16 * 1024
# Twilio's webhooks may use this many connections beyond NOTIFIER_HTTP_MAX_CONNECTIONS, so that
# slow or many staff requests (or strangers) holding every ordinary slot cannot stop clients'
# texts from coming in.
WEBHOOK_RESERVE = 32
WEBHOOK_PREFIX = "/twilio/"


class HeaderDeadlineProtocol(H11Protocol):
    """H11Protocol that closes a connection whose request head is not complete in time."""

    header_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._limit: int | None = None
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    # uvicorn reads ``limit_concurrency`` once a request head is parsed (``self.scope`` is then
    # the new request's): a webhook request may use the reserved slots, nothing else may.
    @property
    def limit_concurrency(self) -> int | None:
        if self._limit is None:
            return None
        scope = getattr(self, "scope", None)
        if scope is not None and str(scope.get("path", "")).startswith(WEBHOOK_PREFIX):
            return self._limit + WEBHOOK_RESERVE
        return self._limit

    @limit_concurrency.setter
    def limit_concurrency(self, value: int | None) -> None:
        self._limit = value

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a request head arrived complete
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on this connection gets the same deadline

    def _arm(self) -> None:
        self._disarm()
        self._head_deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _too_slow(self) -> None:
        self._head_deadline = None
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being served: its head came in time
        if not self.transport.is_closing():
            log.info("request head too slow, closing", extra={"event": "http.header_timeout"})
            self.transport.close()


def with_header_timeout(seconds: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class for uvicorn's ``http=`` option, with this deadline."""
    return type("HeaderDeadlineProtocol", (HeaderDeadlineProtocol,), {"header_timeout": seconds})
