"""B4's fair baseline: the same framework (FastAPI under uvicorn) doing the work a webhook needs
and no more: verify Twilio's signature (the SDK's validator, as notifier does), encrypt the
number and the text (a stored delivery must not identify anyone), insert one row into the
inbox table with ON CONFLICT DO NOTHING on the MessageSid, committed (durable) before the
answer, and answer empty TwiML.

It is a small, straightforward async server: one asyncio psycopg connection per concurrent
request (a pool of 32, as many as B4's connections), each insert its own commit; PostgreSQL
groups concurrent commits in its WAL flushes by itself. No crisis screen, no metrics, no
group commit of our own, no background worker.

    NOTIFIER_BENCH_DB=postgresql://... uvicorn benchmarks.durable_app:app
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import Response
from twilio.request_validator import RequestValidator

from benchmarks.common import KEY
from notifier.core.crypto import Crypto

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
PUBLIC = "https://notifier.example.org/twilio/inbound"
POOL = 32
INSERT = (
    "INSERT INTO inbox (provider_sid, from_phone, body, opt_out_type, urgent, received_at, "
    "attempts) VALUES (%s, %s, %s, NULL, false, %s, 0) ON CONFLICT (provider_sid) DO NOTHING"
)

validator = RequestValidator(os.environ.get("NOTIFIER_BENCH_AUTH_TOKEN", "test-token"))
crypto = Crypto([KEY])
_pool: asyncio.Queue[psycopg.AsyncConnection[object]] | None = None
_lock = asyncio.Lock()


async def _connections() -> asyncio.Queue[psycopg.AsyncConnection[object]]:
    global _pool
    async with _lock:
        if _pool is None:
            url = os.environ["NOTIFIER_BENCH_DB"].replace("postgresql+psycopg://", "postgresql://")
            pool: asyncio.Queue[psycopg.AsyncConnection[object]] = asyncio.Queue()
            for _ in range(POOL):
                pool.put_nowait(await psycopg.AsyncConnection.connect(url, autocommit=True))
            _pool = pool
    return _pool


@app.get("/healthz")
async def healthz() -> Response:
    await _connections()
    return Response("ok")


@app.post("/twilio/inbound")
async def inbound(request: Request) -> Response:
    form = dict(parse_qsl((await request.body()).decode()))
    if not validator.validate(PUBLIC, form, request.headers.get("X-Twilio-Signature", "")):
        return Response("forbidden", status_code=403)
    row = (
        form["MessageSid"],
        crypto.encrypt(form["From"]),
        crypto.encrypt(form.get("Body", "")),
        datetime.now(UTC),
    )
    pool = await _connections()
    conn = await pool.get()
    try:
        await conn.execute(INSERT, row)  # autocommit: durable when this returns
    finally:
        pool.put_nowait(conn)
    return Response(EMPTY_TWIML, media_type="text/xml")
