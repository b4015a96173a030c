"""Prometheus metrics, in a registry of their own (one per service, none global).

Counters are counted where things happen (sends, replies, webhooks, jobs); gauges about the
outbox are read from the database when /metrics is scraped, so every replica reports the
shared truth.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from notifier.core.clock import utcnow
from notifier.core.models import PENDING, Message

if TYPE_CHECKING:
    from notifier.core.db import Database


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.messages = Counter(
            "notifier_messages_total",
            "Messages reaching a status, by kind and status",
            ["kind", "status"],
            registry=r,
        )
        self.send_errors = Counter(
            "notifier_send_errors_total",
            "Failed send attempts by provider error code",
            ["code"],
            registry=r,
        )
        self.replies = Counter(
            "notifier_replies_total", "Replies recorded, by category", ["category"], registry=r
        )
        self.crisis_alerts = Counter(
            "notifier_crisis_alerts_total", "Crisis alerts queued for on-call staff", registry=r
        )
        self.outbox = Gauge(
            "notifier_outbox_messages", "Rows in the outbox by status", ["status"], registry=r
        )
        self.oldest_due = Gauge(
            "notifier_outbox_oldest_due_age_seconds",
            "Age of the oldest pending message that is due (0 when none)",
            registry=r,
        )
        self.job_last_success = Gauge(
            "notifier_job_last_success_timestamp_seconds",
            "Last successful run of each job",
            ["job"],
            registry=r,
        )
        self.job_duration = Histogram(
            "notifier_job_duration_seconds", "Duration of job runs", ["job"], registry=r
        )
        self.job_failures = Counter(
            "notifier_job_failures_total", "Job runs that raised", ["job"], registry=r
        )
        self.webhook = Histogram(
            "notifier_webhook_latency_seconds",
            "Time to answer a Twilio webhook",
            ["hook"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=r,
        )

    def job_succeeded(self, name: str, seconds: float) -> None:
        self.job_last_success.labels(name).set(time.time())
        self.job_duration.labels(name).observe(seconds)

    def job_failed(self, name: str) -> None:
        self.job_failures.labels(name).inc()

    def message_outcome(self, kind: str, status: str, code: str | None = None) -> None:
        self.messages.labels(kind, status).inc()
        if code:
            self.send_errors.labels(code).inc()

    def send_error(self, code: str | None) -> None:
        self.send_errors.labels(code or "none").inc()

    def reply_received(self, category: str, queued: Iterable[str]) -> None:
        self.replies.labels(category).inc()
        alerts = sum(1 for q in queued if q == "crisis_alert")
        if alerts:
            self.crisis_alerts.inc(alerts)

    def webhook_latency(self, hook: str, seconds: float) -> None:
        self.webhook.labels(hook).observe(seconds)

    def refresh_outbox(self, db: Database) -> None:
        now = utcnow()
        with db.read() as s:
            counts = dict(
                s.execute(select(Message.status, func.count()).group_by(Message.status)).all()
            )
            oldest = s.scalar(
                select(func.min(Message.due_at)).where(
                    Message.status == PENDING, Message.due_at <= now
                )
            )
        from notifier.core.models import STATUSES

        for status in STATUSES:
            self.outbox.labels(status).set(int(counts.get(status, 0)))
        self.oldest_due.set(max((now - oldest).total_seconds(), 0) if oldest else 0)

    def render(self, db: Database | None = None) -> bytes:
        if db is not None:
            # /metrics must answer even when the database does not.
            with contextlib.suppress(SQLAlchemyError):
                self.refresh_outbox(db)
        return generate_latest(self.registry)
