"""`notifier run`: migrations, the scheduler and the HTTP server, with a clean SIGTERM.

On SIGTERM or SIGINT: the dispatcher stops claiming (rows claimed but not yet sent are released
back to pending), sends already under way finish and are recorded, the HTTP server drains,
the scheduler waits for running jobs, and the process exits 0.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import logging
import signal
import threading
import time
from collections.abc import Generator
from types import FrameType

import uvicorn
from fastapi import FastAPI
from sqlalchemy.exc import OperationalError

from notifier.core.db import Database
from notifier.core.keys import open_database
from notifier.core.settings import Settings
from notifier.outbound.wording import check
from notifier.service import Service

log = logging.getLogger(__name__)


# Garbage collection, tuned for a long-running server. With CPython's defaults a collection runs
# every 700 net allocations and, now and then, a full one walks every object the process holds
# (SQLAlchemy, FastAPI, pydantic): those pauses stopped every request for tens of milliseconds
# and were B4's whole p99 (151 ms; 58 ms with this, `python -m benchmarks --only B4`).
GC_THRESHOLDS = (50_000, 20, 20)


def tune_gc() -> None:
    """Move everything built at start-up out of the collector's way (it lives as long as the
    process) and collect less often. Reference counting still frees almost everything at once;
    only cyclic garbage waits longer, a bounded amount."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class _Server(uvicorn.Server):
    """uvicorn re-raises the captured signal after shutdown (exit status 143 for SIGTERM);
    we handle it ourselves so a requested stop is a clean exit 0."""

    def __init__(self, config: uvicorn.Config, on_stop: threading.Event) -> None:
        super().__init__(config)
        self.on_stop = on_stop

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

        def handle(sig: int, frame: FrameType | None) -> None:
            log.info("stopping", extra={"event": "shutdown", "signal": signal.Signals(sig).name})
            self.on_stop.set()
            self.should_exit = True

        for s in previous:
            signal.signal(s, handle)
        try:
            yield
        finally:
            for s, h in previous.items():
                signal.signal(s, h)


class _MetricsServer(uvicorn.Server):
    """The /metrics listener, in a thread of its own; the main server owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def http_config(settings: Settings, app: FastAPI) -> uvicorn.Config:
    """The public listener, hardened against slow and greedy clients: a request head must
    arrive within NOTIFIER_HTTP_HEADER_TIMEOUT (and be at most 16 KB), at most
    NOTIFIER_HTTP_MAX_CONNECTIONS connections at once (a request beyond gets 503)."""
    from notifier.web.protocol import MAX_HEAD_BYTES, with_header_timeout

    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=10,
        http=with_header_timeout(settings.http_header_timeout.total_seconds()),
        limit_concurrency=settings.http_max_connections,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
    )


def metrics_config(settings: Settings, app: FastAPI) -> uvicorn.Config:
    """The private listener for /metrics: a few scrapers, so few connections."""
    from notifier.web.protocol import MAX_HEAD_BYTES, with_header_timeout

    return uvicorn.Config(
        app,
        host=settings.metrics_host,
        port=settings.metrics_port,
        log_config=None,
        access_log=False,
        lifespan="off",
        http=with_header_timeout(settings.http_header_timeout.total_seconds()),
        limit_concurrency=16,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
    )


def start_metrics(settings: Settings, service: Service) -> uvicorn.Server | None:
    """Serve /metrics on NOTIFIER_METRICS_HOST:PORT in a thread (None when the port is 0, or
    when it cannot listen: that is logged, and the service runs on without metrics)."""
    from notifier.web import create_metrics_app

    if not settings.metrics_port:
        return None
    server = _MetricsServer(metrics_config(settings, create_metrics_app(service)))

    def serve() -> None:
        with contextlib.suppress(SystemExit):  # uvicorn exits when it cannot listen
            server.run()

    thread = threading.Thread(target=serve, name="metrics-http", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        log.error(
            "metrics listener did not start",
            extra={"event": "metrics.unavailable", "port": settings.metrics_port},
        )
        server.should_exit = True
        return None
    return server


def _open_with_retry(settings: Settings, patience: float = 60.0) -> Database:
    """The database may start after us (compose, a restart): wait for it a while."""
    delay, waited = 1.0, 0.0
    while True:
        try:
            return open_database(settings)
        except OperationalError:
            if waited >= patience:
                raise
            log.warning(
                "database unreachable at start, retrying",
                extra={"event": "start.db_wait", "retry_in_s": delay},
            )
            time.sleep(delay)
            waited += delay
            delay = min(delay * 2, 10.0)


def run_service(settings: Settings) -> int:
    from jobs import build_scheduler
    from notifier.core.metrics import Metrics
    from notifier.web import create_app

    # `kill -USR1 <pid>` prints every thread's stack to stderr: how ops see what a stuck
    # process is doing without a debugger.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    service = Service(settings, database=_open_with_retry(settings), metrics=Metrics())
    for finding in check(settings, service.templates):  # check-templates, as warnings
        log.warning(
            "template check",
            extra={
                "event": "templates.check",
                "where": finding.where,
                "severity": finding.severity,
                "problem": finding.problem,
            },
        )
    stop = threading.Event()
    scheduler = build_scheduler(service)
    server = _Server(http_config(settings, create_app(service)), stop)

    def stop_sending() -> None:
        stop.wait()
        service.dispatcher.stopping.set()  # unstarted sends in a batch go back to pending

    threading.Thread(target=stop_sending, name="stop-watch", daemon=True).start()
    metrics_server = start_metrics(settings, service)
    scheduler.start()
    service.start_inbox_worker()
    log.info(
        "notifier running",
        extra={
            "event": "start",
            "backend": settings.sms_backend,
            "real_sms": service.transport.real,
            "port": settings.http_port,
            "metrics_port": settings.metrics_port if metrics_server else None,
            "database": "sqlite" if settings.is_sqlite else "postgresql",
        },
    )
    tune_gc()
    try:
        server.run()
    finally:
        stop.set()
        if metrics_server is not None:
            metrics_server.should_exit = True
        scheduler.shutdown(wait=True)
        service.close()
        log.info("notifier stopped", extra={"event": "stop"})
    return 0
