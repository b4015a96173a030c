"""Liveness and readiness (metrics are on their own listener: notifier.web.routes.metrics)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from notifier.web.deps import CurrentService

router = APIRouter()


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up and serving (no dependency checks: that is /readyz)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "database unreachable or not migrated"}})
def readyz(service: CurrentService) -> JSONResponse:
    ok, detail = service.ready()
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "detail": detail},
        status_code=200 if ok else 503,
    )
