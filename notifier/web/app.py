"""The HTTP surface of `notifier run`: it only builds the app and includes the routers.

Routes live in ``notifier.web.routes`` (Twilio webhooks, health, the bearer-token follow-up);
shared request dependencies in ``notifier.web.deps``.
"""

from __future__ import annotations

from fastapi import FastAPI
from twilio.request_validator import RequestValidator

from notifier.service import Service
from notifier.web.routes import followup, health, twilio


def create_app(service: Service) -> FastAPI:
    app = FastAPI(title="notifier", version="0.1.0", docs_url=None, redoc_url=None)
    app.state.service = service
    token = service.settings.secret("twilio_auth_token")
    # Built once: the validator holds the auth token; None makes every webhook a 403.
    app.state.twilio_validator = RequestValidator(token) if token else None
    for module in (twilio, health, followup):
        app.include_router(module.router)
    return app
