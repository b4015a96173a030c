"""A deadline and a size limit for every request body on the public port.

The webhooks always had both (``notifier.web.deps``); staff forms had neither, so a client that
sent its headers and then trickled its body, or never sent it, held a connection (and a
worker) for as long as it liked, and 200 of them kept the port at 503 for everyone. Here, for
every HTTP request:

- the whole body must arrive within NOTIFIER_HTTP_BODY_TIMEOUT of the first read (408 and the
  connection closed otherwise);
- a body larger than :data:`MAX_FORM_BYTES` is refused with 413 before it is read (the webhooks
  keep their own, smaller NOTIFIER_WEBHOOK_MAX_BYTES); staff forms are a few hundred bytes;
- a client that goes away mid-body is not our error: a quiet 400, logged at INFO without the
  body (:func:`client_gone`).

The limit is applied where the body is read (a wrapped ``receive``), so the error is raised
inside the route and answered like any other HTTP error, the staff pages' headers included.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import HTTPException, Request
from starlette.requests import ClientDisconnect
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("notifier.web")

MAX_FORM_BYTES = 64 * 1024
CLOSE = {"Connection": "close"}


class BodyLimits:
    """Pure ASGI middleware: every request's ``receive`` gets the deadline and the size limit.

    The limit is raised where the body is read, inside the route. Starlette's
    ``BaseHTTPMiddleware`` reads bodies in a task group, so the error may come back wrapped in
    an ``ExceptionGroup``: whatever its wrapping, when our ``receive`` raised it and nothing
    was answered yet, the answer is given here."""

    def __init__(self, app: ASGIApp, *, seconds: float, max_bytes: int = MAX_FORM_BYTES) -> None:
        self.app = app
        self.seconds = seconds
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _content_length(scope)
        if length is not None and length > self.max_bytes:
            await _refusal(scope, 413, "body too large")(scope, receive, send)
            return
        bounded = _Bounded(receive, self.seconds, self.max_bytes)
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded, watched)
        except Exception:
            if bounded.gone:
                log.info("client went away mid-body", extra={"event": "http.client_gone"})
                return
            if bounded.failure is None or started:
                raise
            status, text = bounded.failure
            await _refusal(scope, status, text)(scope, receive, send)


class _Bounded:
    """``receive`` with a deadline for the body as a whole, counted from the first read."""

    def __init__(self, receive: Receive, seconds: float, max_bytes: int) -> None:
        self.receive = receive
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.deadline: float | None = None
        self.read = 0
        self.complete = False
        self.gone = False  # the client disconnected before its body was complete
        self.failure: tuple[int, str] | None = None

    async def __call__(self) -> Message:
        if self.complete:  # after the body: waiting for a disconnect is not ours to limit
            return await self.receive()
        loop = asyncio.get_running_loop()
        if self.deadline is None:
            self.deadline = loop.time() + self.seconds
        try:
            async with asyncio.timeout_at(self.deadline):
                message = await self.receive()
        except TimeoutError:
            log.info("request body too slow", extra={"event": "http.body_timeout"})
            raise self._fail(408, "body not received in time") from None
        if message["type"] == "http.disconnect":
            self.gone = True
        elif message["type"] == "http.request":
            self.read += len(message.get("body", b""))
            if self.read > self.max_bytes:
                raise self._fail(413, "body too large")
            self.complete = not message.get("more_body", False)
        return message

    def _fail(self, status: int, text: str) -> HTTPException:
        self.failure = (status, text)
        return HTTPException(status, text, CLOSE)


def _refusal(scope: Scope, status: int, text: str) -> Response:
    from notifier.web import security

    headers = dict(CLOSE)
    if security.is_staff_path(str(scope.get("path", ""))):
        headers |= security.SECURITY_HEADERS
    return PlainTextResponse(text, status, headers=headers)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def client_gone(request: Request, exc: Exception) -> Response:
    """The app's handler for :class:`starlette.requests.ClientDisconnect`."""
    log.info("client went away mid-body", extra={"event": "http.client_gone"})
    return PlainTextResponse("client disconnected", 400, headers=CLOSE)


__all__ = ["MAX_FORM_BYTES", "BodyLimits", "ClientDisconnect", "client_gone"]
