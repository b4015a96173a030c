"""The follow-up list for machines: `GET /followup/{group}` with the staff bearer token.

Failed tokens are throttled per client address in the database (:mod:`notifier.core.throttle`), so
guessing is slow on every replica at once: after STAFF_BEARER.burst failures, 429 with
Retry-After, for right and wrong tokens alike, until the bucket refills.
"""

from __future__ import annotations

import hmac
import logging
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from notifier.core import grammar, throttle
from notifier.service import Service
from notifier.staff import audit
from notifier.web.deps import NO_STORE, CurrentService, address_of

log = logging.getLogger("notifier.web")
router = APIRouter()

STAFF_BEARER = throttle.Limit("staff-bearer", burst=10, per=timedelta(minutes=15))


def _unauthorized() -> JSONResponse:
    return JSONResponse(
        {"detail": "staff token required"},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer", **NO_STORE},
    )


def _authenticate(request: Request, service: Service, expected: str) -> Response | None:
    """None when the bearer token is right; else the answer (401, 429, or 503)."""
    given = request.headers.get("authorization", "")
    if not given.strip():
        return _unauthorized()  # no guess made: nothing to count
    address = request.client.host if request.client else "unknown"
    now = service.clock()
    scheme, _, credential = given.partition(" ")
    try:
        if not STAFF_BEARER.allow(service.db, address, now):
            wait = STAFF_BEARER.retry_after(service.db, address, now)
            log.warning("staff token throttled", extra={"event": "staff.throttled"})
            return JSONResponse(
                {"detail": "too many failed attempts; try later"},
                status_code=429,
                headers={"Retry-After": str(max(wait, 1)), **NO_STORE},
            )
        ok = scheme.lower() == "bearer" and hmac.compare_digest(
            credential.strip().encode(), expected.encode()
        )
        if ok:
            return None
        STAFF_BEARER.penalise(service.db, address, now)
    except SQLAlchemyError:
        # Fail closed: without the throttle's database the page is not served either.
        return JSONResponse({"detail": "database unavailable"}, status_code=503, headers=NO_STORE)
    log.info("staff token refused", extra={"event": "staff.refused"})
    return _unauthorized()


@router.get(
    "/followup/{group}",
    responses={
        200: {"content": {"text/html": {}, "application/json": {}}},
        400: {"description": "format is not html or json, or now is not a usable time"},
        401: {"description": "no or wrong staff token"},
        404: {"description": "unknown group, or no upcoming meeting"},
        429: {"description": "too many failed tokens from this address; see Retry-After"},
        503: {"description": "database unavailable"},
    },
)
def followup(
    group: str,
    request: Request,
    service: CurrentService,
    format: str = "html",
    now: str | None = None,
) -> Response:
    settings = service.settings
    expected = settings.secret("staff_token")
    if not expected:
        return _unauthorized()  # page disabled
    refused = _authenticate(request, service, expected)
    if refused is not None:
        return refused
    if format not in ("html", "json"):
        return JSONResponse({"detail": "format must be html or json"}, status_code=400)
    when = None
    if now:
        try:
            when = grammar.parse_instant(now, settings.timezone)
        except ValueError as exc:
            return JSONResponse({"detail": f"now: {exc}"}, status_code=400)
    from notifier.core.output import to_jsonable
    from notifier.followup.digest import NoSession
    from notifier.followup.render import as_dict, page

    try:
        digest = service.followup(group, when)
    except NoSession as exc:
        return JSONResponse({"detail": str(exc)}, status_code=404, headers=NO_STORE)
    # Machine access is access too: the list served is an audit event (no staff account).
    audit.record(service.db, action="view_group", staff_id=None, now=service.clock(),
                 address=address_of(request), group=group,
                 detail=f"staff token ({format})")  # fmt: skip
    if format == "json":
        return JSONResponse(to_jsonable(as_dict(digest)), headers=NO_STORE)
    return HTMLResponse(page(digest, settings.timezone), headers=NO_STORE)
