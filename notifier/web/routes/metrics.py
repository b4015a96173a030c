"""Prometheus metrics, served only on the metrics listener (NOTIFIER_METRICS_HOST/PORT).

Not on the public port: the counts tell an outsider when things happen (a crisis reply, an
opt-out), so they are for whoever can reach the private address.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from notifier.web.deps import CurrentService

router = APIRouter()


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(service: CurrentService) -> Response:
    return Response(service.metrics_text(), media_type="text/plain; version=0.0.4")
