"""B4's baseline: the same framework (FastAPI under uvicorn), an endpoint that only parses the
form and answers empty TwiML. Run: uvicorn benchmarks.bare_app:app"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import Response

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@app.post("/twilio/inbound")
async def inbound(request: Request) -> Response:
    parse_qsl((await request.body()).decode())
    return Response(EMPTY_TWIML, media_type="text/xml")
