"""The session seen from an open page: how long is left, staying signed in, and sending a
form kept across a sign-in.

- ``GET /session/status``: JSON ``{"signed_in", "seconds_left", "warn_before"}`` for the page's
  warning script (``static/session.js``). It only looks: the idle time is not refreshed, or a
  page left open would keep an unattended screen signed in.
- ``POST /session/keepalive`` (CSRF): "Stay signed in" on the warning; refreshes the idle time.
- ``GET /resume``: the form kept when the last session ended (``notifier.web.resume``), posted
  again with this session's CSRF token; only for the person it was kept for.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from notifier.web import resume
from notifier.web.deps import NO_STORE, CsrfForm, CurrentStaff, get_service, now_of, peek_staff
from notifier.web.security import PENDING_COOKIE
from notifier.web.templating import render

router = APIRouter(include_in_schema=False)


def warn_before(idle: timedelta) -> int:
    """Seconds before the idle timeout that the page warns: 3 minutes, or a third of a short
    timeout."""
    return int(min(180.0, idle.total_seconds() / 3))


@router.get("/session/status")
def status(request: Request) -> Response:
    found = peek_staff(request)
    settings = get_service(request).settings
    left = 0
    if found is not None and found.expires_at is not None:
        left = max(0, int((found.expires_at - now_of(request)).total_seconds()))
    body = {
        "signed_in": found is not None,
        "seconds_left": left,
        "warn_before": warn_before(settings.staff_idle_timeout),
    }
    return JSONResponse(body, headers=NO_STORE)


@router.post("/session/keepalive")
def keepalive(request: Request, staff: CurrentStaff, form: CsrfForm) -> Response:
    left = 0
    if staff.expires_at is not None:
        left = max(0, int((staff.expires_at - now_of(request)).total_seconds()))
    return JSONResponse({"signed_in": True, "seconds_left": left}, headers=NO_STORE)


@router.get("/resume")
def resume_page(request: Request, staff: CurrentStaff) -> Response:
    kept = resume.pending_for(request, staff.staff_id)
    if kept is None:
        response: Response = RedirectResponse("/", status_code=303)
    else:
        pairs = [(str(k), str(v)) for k, v in kept.get("f", []) if isinstance(k, str)]
        context = resume.form_context(kept["p"], pairs) | {"confirm": False}
        response = render(request, "resume.html", context)
    # Read once: the form is in the page now (or was someone else's).
    request.app.state.cookies.clear(response, PENDING_COOKIE)
    return response
