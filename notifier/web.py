"""The HTTP surface of `notifier run`: Twilio webhooks, health, metrics and the staff page.

Webhooks are checked in this order: body size (413), signature header present (403), form
well-formed (400), signature valid for NOTIFIER_PUBLIC_URL + path + query (403). Only then is
anything stored. The answer is an empty TwiML document: replies go out through the outbox.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import time
from typing import Any
from urllib.parse import parse_qsl

from fastapi import BackgroundTasks, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from twilio.request_validator import RequestValidator

from notifier import grammar
from notifier.service import Service

log = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
FORM_TYPE = "application/x-www-form-urlencoded"
SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _form_schema(required: list[str], props: dict[str, str]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                FORM_TYPE: {
                    "schema": {
                        "type": "object",
                        "required": required,
                        "properties": {
                            k: {"type": "string", "description": v} for k, v in props.items()
                        },
                    }
                }
            },
        },
        "parameters": [
            {
                "name": "X-Twilio-Signature",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
            }
        ],
    }


INBOUND_SCHEMA = _form_schema(
    ["MessageSid", "From", "Body"],
    {
        "MessageSid": "Twilio message SID",
        "From": "sender",
        "To": "our number",
        "Body": "the text",
        "OptOutType": "set when Advanced Opt-Out handled a keyword",
    },
)
STATUS_SCHEMA = _form_schema(
    ["MessageSid", "MessageStatus"],
    {
        "MessageSid": "Twilio message SID",
        "MessageStatus": "queued, sent, delivered, ...",
        "ErrorCode": "Twilio error code, when failed or undelivered",
    },
)


def create_app(service: Service) -> FastAPI:
    settings = service.settings
    app = FastAPI(title="notifier", version="0.1.0", docs_url=None, redoc_url=None)
    app.state.service = service
    token = settings.secret("twilio_auth_token")
    validator = RequestValidator(token) if token else None

    async def signed_form(request: Request) -> dict[str, str]:
        length = request.headers.get("content-length")
        if length is not None and (
            not length.isdigit() or int(length) > settings.webhook_max_bytes
        ):
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

    @app.post(
        "/twilio/inbound",
        openapi_extra=INBOUND_SCHEMA,
        responses={
            200: {"content": {"text/xml": {}}},
            400: {},
            403: {},
            413: {},
            503: {"description": "the delivery could not be stored; Twilio retries"},
        },
    )
    async def twilio_inbound(request: Request, background: BackgroundTasks) -> Response:
        started = time.monotonic()
        form = await signed_form(request)
        require(form, "MessageSid", "From", "Body")
        stored = service.submit_inbound(
            provider_sid=form["MessageSid"],
            from_phone=form["From"],
            body=form["Body"],
            opt_out_type=(form.get("OptOutType") or "")[:16] or None,
        )
        try:
            await asyncio.wrap_future(stored)  # answered once the delivery is durable
        except Exception:
            log.exception("inbox write failed", extra={"event": "webhook.store_failed"})
            # Not stored: Twilio retries on a 5xx, so nothing is lost.
            return Response("storage unavailable", status_code=503)
        if service.inbox_worker is None:
            # No worker thread (an app built without `notifier run`, as in tests): process
            # right after answering, in this request's background.
            background.add_task(service.process_inbox)
        service.observe_webhook("inbound", time.monotonic() - started)
        return Response(EMPTY_TWIML, media_type="text/xml")

    @app.post(
        "/twilio/status",
        openapi_extra=STATUS_SCHEMA,
        responses={200: {"content": {"text/xml": {}}}, 400: {}, 403: {}, 413: {}},
    )
    async def twilio_status(request: Request) -> Response:
        started = time.monotonic()
        form = await signed_form(request)
        require(form, "MessageSid", "MessageStatus")
        outcome = await run_in_threadpool(
            service.status_callback,
            form["MessageSid"],
            form["MessageStatus"],
            form.get("ErrorCode") or None,
        )
        if outcome == "bad":
            raise HTTPException(400, "unknown MessageStatus")
        service.observe_webhook("status", time.monotonic() - started)
        return Response(EMPTY_TWIML, media_type="text/xml")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """The process is up and serving (no dependency checks: that is /readyz)."""
        return {"status": "ok"}

    @app.get("/readyz", responses={503: {"description": "database unreachable or not migrated"}})
    def readyz() -> JSONResponse:
        ok, detail = service.ready()
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "detail": detail},
            status_code=200 if ok else 503,
        )

    @app.get("/metrics", response_class=PlainTextResponse)
    def metrics() -> Response:
        return Response(service.metrics_text(), media_type="text/plain; version=0.0.4")

    @app.get(
        "/followup/{group}",
        responses={
            200: {"content": {"text/html": {}, "application/json": {}}},
            400: {"description": "format is not html or json, or now is not a usable time"},
            401: {"description": "no or wrong staff token"},
            404: {"description": "unknown group, or no upcoming meeting"},
        },
    )
    def followup(
        group: str, request: Request, format: str = "html", now: str | None = None
    ) -> Response:
        expected = settings.secret("staff_token")
        given = request.headers.get("authorization", "")
        scheme, _, credential = given.partition(" ")
        ok = (
            bool(expected)
            and scheme.lower() == "bearer"
            and hmac.compare_digest(credential.strip().encode(), (expected or "").encode())
        )
        if not ok:
            return JSONResponse(
                {"detail": "staff token required"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer", **NO_STORE},
            )
        if format not in ("html", "json"):
            return JSONResponse({"detail": "format must be html or json"}, status_code=400)
        when = None
        if now:
            try:
                when = grammar.parse_instant(now, settings.timezone)
            except ValueError as exc:
                return JSONResponse({"detail": f"now: {exc}"}, status_code=400)
        from notifier.followup import NoSession
        from notifier.followup_render import as_dict, page
        from notifier.output import to_jsonable

        try:
            digest = service.followup(group, when)
        except NoSession as exc:
            return JSONResponse({"detail": str(exc)}, status_code=404, headers=NO_STORE)
        if format == "json":
            return JSONResponse(to_jsonable(as_dict(digest)), headers=NO_STORE)
        return HTMLResponse(page(digest, settings.timezone), headers=NO_STORE)

    return app
