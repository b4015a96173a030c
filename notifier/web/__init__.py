"""The web side: webhooks, health, staff pages."""

from __future__ import annotations

from notifier.web.app import create_app, create_metrics_app
from notifier.web.routes.twilio import EMPTY_TWIML

__all__ = ["EMPTY_TWIML", "create_app", "create_metrics_app"]
