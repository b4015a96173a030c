"""Rendering staff pages: one Jinja2 environment (autoescape on), ``render()`` for every page.

Templates live in ``notifier/web/templates/``. Each page extends ``base.html`` and fills:

- ``{% block title %}`` the page title (the site name is appended),
- ``{% block content %}`` the page itself (inside ``<main>``),
- ``{% block nav %}`` optional extra links in the header (after "Groups").

Every template gets: ``staff`` (the signed-in :class:`~notifier.staff.logins.SignedIn`, or
None), ``csrf_token`` (put it in every POST form as ``<input type="hidden" name="csrf_token"
value="{{ csrf_token }}">``, or ``{% include "_csrf.html" %}``), ``oidc_enabled`` and
``request``. The stylesheet is ``/static/notifier.css`` (notifier/web/static/notifier.css). No
inline script or style anywhere: the Content-Security-Policy forbids both.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from notifier.web import security

ENV = Environment(
    loader=PackageLoader("notifier.web", "templates"),
    autoescape=select_autoescape(["html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The page, with the CSRF token for its forms (and, before sign-in, its cookie)."""
    from notifier.web.deps import cookies, session_of

    signed_in = session_of(request)
    new_anonymous = None
    if signed_in is not None:
        token = signed_in.csrf_token
    else:
        token = cookies(request).anonymous_csrf(request) or ""
        if not token:
            token = new_anonymous = security.new_csrf_value()
    full = signed_in if signed_in is not None and signed_in.stage == "full" else None
    values = {
        "request": request,
        "staff": full,
        "csrf_token": token,
        "oidc_enabled": request.app.state.service.settings.oidc_enabled,
        # How often an open page asks how long its session has left (static/session.js) and
        # looks for new alerts (static/live.js), in seconds; when it was made (server time).
        "session_check": getattr(request.app.state, "session_check_seconds", 30),
        "live_every": getattr(request.app.state, "live_poll_seconds", 20),
        "page_time": request.app.state.service.clock().isoformat(),
        **(context or {}),
    }
    response = HTMLResponse(ENV.get_template(template).render(values), status_code=status_code)
    if new_anonymous is not None:
        cookies(request).set_anonymous_csrf(response, new_anonymous)
    return response
