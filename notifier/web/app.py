"""The HTTP surfaces of `notifier run`: these only build apps and include routers.

- :func:`create_app`: the public port (Twilio webhooks, health, the bearer-token follow-up,
  staff sign-in and staff pages). No OpenAPI document or docs pages are served: they would map
  the surface for a stranger (``app.openapi()`` still builds the document, for tests and tools).
- :func:`create_metrics_app`: ``/metrics`` alone, for the private metrics listener.

Routes live in ``notifier.web.routes``; shared request dependencies in ``notifier.web.deps``;
cookies, CSRF and headers in ``notifier.web.security``; templates in ``notifier/web/templates``
and the stylesheet at ``/static/notifier.css``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from notifier.service import Service
from notifier.transports.twilio import webhooks
from notifier.web import bodies, resume, security
from notifier.web.deps import RedirectTo, StaleForm, cookies
from notifier.web.routes import (
    alerts,
    auth,
    followup,
    health,
    live,
    metrics,
    pages,
    session,
    staff,
    twilio,
)
from notifier.web.templating import render

STATIC = Path(__file__).resolve().parent / "static"


def _bare(service: Service) -> FastAPI:
    app = FastAPI(
        title="notifier", version="0.1.0", docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.service = service
    return app


def create_app(service: Service) -> FastAPI:
    app = _bare(service)
    settings = service.settings
    # Built once: it holds the auth token; without one every webhook is a 403.
    app.state.webhook_verifier = webhooks.Verifier(settings.secret("twilio_auth_token"))
    crypto = service.db.crypto
    key = security.signing_key(
        settings, crypto.derive(b"notifier staff session cookie") if crypto else None
    )
    app.state.cookies = security.Cookies(key, settings.secure_cookies)
    app.state.oauth = auth.build_oauth(settings)
    # live before alerts: /alerts/open.json is not an alert id.
    for module in (twilio, health, followup, auth, session, staff, pages, live, alerts):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _handlers(app)

    app.add_middleware(security.StaffHeaders)
    # Authlib keeps an OpenID Connect sign-in's state and nonce in this (signed) cookie; it is
    # only written while such a sign-in is under way.
    app.add_middleware(
        SessionMiddleware,
        secret_key=key.hex(),
        session_cookie=security.OIDC_COOKIE,
        max_age=600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(security.RelativeRedirects)
    # Outermost: every body, staff form or webhook, has a deadline and a size limit.
    app.add_middleware(
        bodies.BodyLimits,
        seconds=settings.http_body_timeout.total_seconds(),
        max_bytes=max(bodies.MAX_FORM_BYTES, settings.webhook_max_bytes),
    )
    return app


def create_metrics_app(service: Service) -> FastAPI:
    app = _bare(service)
    app.include_router(metrics.router)
    return app


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(RedirectTo)
    async def redirect(request: Request, exc: RedirectTo) -> Response:
        response = RedirectResponse(exc.location, status_code=303)
        if exc.clear_session and request.cookies.get(security.SESSION_COOKIE):
            cookies(request).clear_session(response)
        if exc.keep_form:
            now = request.app.state.service.clock()
            await resume.keep(request, response, now.isoformat())
        return response

    app.add_exception_handler(bodies.ClientDisconnect, bodies.client_gone)

    @app.exception_handler(StaleForm)
    async def stale_form(request: Request, exc: StaleForm) -> Response:
        context = resume.form_context(exc.path, exc.fields) | {"confirm": True}
        # Still a refusal (403, as for any form without its session's token): nothing done.
        return await run_in_threadpool(render, request, "resume.html", context, 403)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not security.is_staff_path(request.url.path) or request.url.path.startswith("/static/"):
            return await http_exception_handler(request, exc)
        if exc.status_code == 405 and request.method == "GET":
            # A form's address opened as a page (an old link, a "next" from before): its page.
            return RedirectResponse(resume.page_of(request.url.path), status_code=303)
        context = {"title": _TITLES.get(exc.status_code, "Error"), "message": str(exc.detail)}
        # render() may read the session row: off the event loop.
        page = await run_in_threadpool(render, request, "message.html", context, exc.status_code)
        for name, value in (exc.headers or {}).items():
            page.headers[name] = value
        return page


_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    408: "Too slow",
    410: "Link no longer valid",
    413: "Too large",
    429: "Too many attempts",
}
