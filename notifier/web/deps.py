"""Request dependencies shared by the routes: the service, and a Twilio form that is signed.

Webhooks are checked in this order: body size (413), signature header present (403), form
well-formed (400), signature valid for NOTIFIER_PUBLIC_URL + path + query (403). Only then is
anything stored.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, HTTPException, Request

from notifier.service import Service

log = logging.getLogger("notifier.web")

FORM_TYPE = "application/x-www-form-urlencoded"
SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def signed_form(request: Request) -> dict[str, str]:
    """The webhook's form, once its size, shape and Twilio signature are checked."""
    service = get_service(request)
    settings = service.settings
    validator = request.app.state.twilio_validator
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > settings.webhook_max_bytes):
        raise HTTPException(413 if length.isdigit() else 400, "body too large or bad length")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > settings.webhook_max_bytes:
            raise HTTPException(413, "body too large")
    signature = request.headers.get("x-twilio-signature")
    if not signature:
        raise HTTPException(403, "missing X-Twilio-Signature")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != FORM_TYPE:
        raise HTTPException(400, f"expected {FORM_TYPE}")
    try:
        pairs = parse_qsl(
            bytes(raw).decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=bool(raw),
            errors="strict",
        )
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "malformed form body") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise HTTPException(400, f"repeated field {key}")
        form[key] = value
    base = settings.public_url or f"{request.url.scheme}://{request.url.netloc}"
    url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if validator is None or not validator.validate(url, form, signature):
        log.warning(
            "webhook signature rejected",
            extra={"event": "webhook.forbidden", "path": request.url.path},
        )
        raise HTTPException(403, "invalid X-Twilio-Signature")
    # Checked as signed; stored without NULs (PostgreSQL text cannot hold them).
    return {k: v.replace("\x00", "") for k, v in form.items()}


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


SignedTwilioForm = Annotated[dict[str, str], Depends(signed_form)]
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
