"""The follow-up list for machines: `GET /followup/{group}` with the staff bearer token."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from notifier import grammar
from notifier.web.deps import NO_STORE, CurrentService

router = APIRouter()


@router.get(
    "/followup/{group}",
    responses={
        200: {"content": {"text/html": {}, "application/json": {}}},
        400: {"description": "format is not html or json, or now is not a usable time"},
        401: {"description": "no or wrong staff token"},
        404: {"description": "unknown group, or no upcoming meeting"},
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
