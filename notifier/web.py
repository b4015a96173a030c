"""The HTTP surface of `notifier run`: health, readiness, metrics, Twilio webhooks, staff page."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from notifier.service import Service

log = logging.getLogger(__name__)


def create_app(service: Service) -> FastAPI:
    app = FastAPI(title="notifier", version="0.1.0", docs_url=None, redoc_url=None)
    app.state.service = service

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

    return app
