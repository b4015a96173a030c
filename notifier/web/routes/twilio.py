"""Twilio's webhooks over HTTP: inbound replies and delivery status callbacks. What is
Twilio-specific (the allowlist, the signature, the status words) is in
notifier.transports.twilio.

The answer is an empty TwiML document: replies go out through the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from fastapi import APIRouter, BackgroundTasks, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from notifier.transports.twilio import status, webhooks
from notifier.web.deps import (
    FORM_TYPE,
    CurrentService,
    SignedInboundForm,
    SignedStatusForm,
    require_fields,
)

log = logging.getLogger("notifier.web")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

router = APIRouter()


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
                "name": webhooks.SIGNATURE_HEADER,
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


@router.post(
    "/twilio/inbound",
    openapi_extra=INBOUND_SCHEMA,
    responses={
        200: {"content": {"text/xml": {}}},
        400: {},
        403: {},
        408: {"description": "the body did not arrive within NOTIFIER_HTTP_BODY_TIMEOUT"},
        413: {},
        503: {"description": "the delivery could not be stored; Twilio retries"},
    },
)
async def twilio_inbound(
    form: SignedInboundForm, service: CurrentService, background: BackgroundTasks
) -> Response:
    started = time.monotonic()
    require_fields(form, "MessageSid", "From", "Body")
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


@router.post(
    "/twilio/status",
    openapi_extra=STATUS_SCHEMA,
    responses={200: {"content": {"text/xml": {}}}, 400: {}, 403: {}, 408: {}, 413: {}},
)
async def twilio_status(form: SignedStatusForm, service: CurrentService) -> Response:
    started = time.monotonic()
    require_fields(form, "MessageSid", "MessageStatus")
    report = status.report(form["MessageStatus"], form.get("ErrorCode") or None)
    if report is None:
        raise HTTPException(400, "unknown MessageStatus")
    await run_in_threadpool(service.status_callback, form["MessageSid"], report)
    service.observe_webhook("status", time.monotonic() - started)
    return Response(EMPTY_TWIML, media_type="text/xml")
