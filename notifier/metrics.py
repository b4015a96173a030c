"""Prometheus metrics, in a registry of their own (one per service, none global)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
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

    def job_succeeded(self, name: str, seconds: float) -> None:
        import time

        self.job_last_success.labels(name).set(time.time())
        self.job_duration.labels(name).observe(seconds)

    def job_failed(self, name: str) -> None:
        self.job_failures.labels(name).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
