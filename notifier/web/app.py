"""The HTTP surfaces of `notifier run`: these only build apps and include routers.

- :func:`create_app`: the public port (Twilio webhooks, health, the bearer-token follow-up).
  No OpenAPI document or docs pages are served: they would map the surface for a stranger
  (``app.openapi()`` still builds the document, for tests and tools).
- :func:`create_metrics_app`: ``/metrics`` alone, for the private metrics listener.

Routes live in ``notifier.web.routes``; shared request dependencies in ``notifier.web.deps``.
"""

from __future__ import annotations

from fastapi import FastAPI
from twilio.request_validator import RequestValidator

from notifier.service import Service
from notifier.web.routes import followup, health, metrics, twilio


def _bare(service: Service) -> FastAPI:
    app = FastAPI(
        title="notifier", version="0.1.0", docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.service = service
    return app


def create_app(service: Service) -> FastAPI:
    app = _bare(service)
    token = service.settings.secret("twilio_auth_token")
    # Built once: the validator holds the auth token; None makes every webhook a 403.
    app.state.twilio_validator = RequestValidator(token) if token else None
    for module in (twilio, health, followup):
        app.include_router(module.router)
    return app


def create_metrics_app(service: Service) -> FastAPI:
    app = _bare(service)
    app.include_router(metrics.router)
    return app
