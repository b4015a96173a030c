"""Request dependencies shared by the routes: the service, and a Twilio form that is signed.

Webhooks are checked in this order: body size (413), body read within NOTIFIER_HTTP_BODY_TIMEOUT
(408), signature header present (403), form well-formed with at most MAX_FIELDS fields (400),
only the parameter names Twilio sends on that webhook (400), and only then the signature,
computed off the event loop, for NOTIFIER_PUBLIC_URL + path + query (403). Only then is anything
stored. Nothing before the signature costs more than reading the body once.

A client that goes away mid-body is not an error of ours: a quiet 400, logged at INFO.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from notifier.service import Service
from notifier.web import twilio_fields

log = logging.getLogger("notifier.web")

FORM_TYPE = "application/x-www-form-urlencoded"
SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def _read_body(request: Request, limit: int, deadline: float) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise HTTPException(413 if length.isdigit() else 400, "body too large or bad length")
    raw = bytearray()
    try:
        # A client trickling its body would hold a connection (and this task) for ever.
        async with asyncio.timeout(deadline):
            async for chunk in request.stream():
                raw += chunk
                if len(raw) > limit:
                    raise HTTPException(413, "body too large")
    except TimeoutError:
        log.info("webhook body too slow", extra={"event": "webhook.body_timeout"})
        raise HTTPException(408, "body not received in time", {"Connection": "close"}) from None
    except ClientDisconnect:
        log.info("client went away mid-body", extra={"event": "webhook.client_gone"})
        raise HTTPException(400, "client disconnected") from None
    return bytes(raw)


def _parse(raw: bytes, allowed: frozenset[str]) -> dict[str, str]:
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=bool(raw),
            errors="strict",
            max_num_fields=twilio_fields.MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "malformed form body, or too many fields") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise HTTPException(400, f"repeated field {key}")
        form[key] = value
    extra = twilio_fields.unknown(list(form), allowed)
    if extra:
        log.warning(
            "webhook with fields Twilio does not send",
            extra={"event": "webhook.unknown_fields", "count": len(extra)},
        )
        shown = ", ".join(repr(n[:40]) for n in extra[:5])
        raise HTTPException(400, f"unexpected field(s): {shown}")
    return form


def signed(allowed: frozenset[str]) -> Callable[[Request], Awaitable[dict[str, str]]]:
    """A dependency: the webhook's form, once its size, shape and Twilio signature are checked,
    allowing only the parameter names in ``allowed`` (see notifier.web.twilio_fields)."""

    async def signed_form(request: Request) -> dict[str, str]:
        settings = get_service(request).settings
        validator = request.app.state.twilio_validator
        raw = await _read_body(
            request, settings.webhook_max_bytes, settings.http_body_timeout.total_seconds()
        )
        signature = request.headers.get("x-twilio-signature")
        if not signature:
            raise HTTPException(403, "missing X-Twilio-Signature")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != FORM_TYPE:
            raise HTTPException(400, f"expected {FORM_TYPE}")
        form = _parse(raw, allowed)
        base = settings.public_url or f"{request.url.scheme}://{request.url.netloc}"
        url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        # HMAC-SHA1 over every field: in a worker thread, so the event loop keeps serving.
        valid = validator is not None and await run_in_threadpool(
            validator.validate, url, form, signature
        )
        if not valid:
            log.warning(
                "webhook signature rejected",
                extra={"event": "webhook.forbidden", "path": request.url.path},
            )
            raise HTTPException(403, "invalid X-Twilio-Signature")
        # Checked as signed; stored without NULs (PostgreSQL text cannot hold them).
        return {k: v.replace("\x00", "") for k, v in form.items()}

    return signed_form


def require(form: dict[str, str], *names: str) -> None:
    missing = [n for n in names if not form.get(n) and n != "Body"]
    missing += [n for n in names if n == "Body" and n not in form]
    if missing:
        raise HTTPException(400, f"missing field(s): {', '.join(missing)}")
    # Values that go into fixed-size columns are checked here, so a malformed (but
    # signed) request is a 400, never a database error.
    if not SID.fullmatch(form["MessageSid"]):
        raise HTTPException(400, "MessageSid is not a Twilio message SID")
    code = form.get("ErrorCode")
    if code and not (code.isascii() and code.isdigit() and len(code) <= 16):
        raise HTTPException(400, "ErrorCode is not a Twilio error code")


SignedInboundForm = Annotated[dict[str, str], Depends(signed(twilio_fields.INBOUND))]
SignedStatusForm = Annotated[dict[str, str], Depends(signed(twilio_fields.STATUS))]
CurrentService = Annotated[Service, Depends(get_service)]


def require_fields(form: dict[str, str], *names: str) -> None:
    missing = [n for n in names if not form.get(n) and n != "Body"]
    missing += [n for n in names if n == "Body" and n not in form]
    if missing:
        raise HTTPException(400, f"missing field(s): {', '.join(missing)}")
    # Values that go into fixed-size columns are checked here, so a malformed (but
    # signed) request is a 400, never a database error.
    if not SID.fullmatch(form["MessageSid"]):
        raise HTTPException(400, "MessageSid is not a Twilio message SID")
    code = form.get("ErrorCode")
    if code and not (code.isascii() and code.isdigit() and len(code) <= 16):
        raise HTTPException(400, "ErrorCode is not a Twilio error code")
