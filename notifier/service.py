"""The composition root: settings, database, transport and dispatcher in one place, and the
loop steps the scheduler runs (each returns what it did, and never raises into the scheduler).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from notifier import retention
from notifier.core import db as dbmod
from notifier.core import state
from notifier.core.clock import Clock, utcnow
from notifier.core.keys import open_database
from notifier.core.metrics import Metrics
from notifier.core.models import ALERT, CALL, REPLY
from notifier.core.settings import Settings
from notifier.followup import reports
from notifier.followup.digest import Digest, build_digest
from notifier.inbound import inbox, poller, replies, undelivered
from notifier.inbound.escalation import EscalationResult, escalate
from notifier.inbound.replies import InboundResult
from notifier.outbound import delivery
from notifier.outbound.dispatch import Dispatcher, DispatchResult
from notifier.outbound.planner import PlanResult, plan
from notifier.outbound.texts import Templates
from notifier.transports import Transport, build_transport
from notifier.transports.base import StatusReport
from notifier.understanding import DEFAULT_CRISIS_TERMS, classify

log = logging.getLogger(__name__)

ESCALATE_INTERVAL = timedelta(minutes=1)
INBOX_BATCH = 50  # deliveries claimed, and recorded in one transaction, at a time
YIELD_SLICE = 0.002  # seconds the inbox worker yields at a time while webhooks wait to be stored
# While webhooks wait, an ordinary batch is followed by a pause this many times its own length
# (about a twentieth of the process for the worker; a tenth before: B4 went from 44-45% to 53%
# of its fair baseline, the small noon's crisis replies stayed p99 0.46 s, and the replies of a
# 30 s burst were all recorded 17 s after it instead of 15 s).
YIELD_FACTOR = 19
# A webhook this recent means requests are arriving faster than one per this many seconds (a
# burst, > 200/s), whose parsing and signatures do not show in the writer's backlog yet.
BURST_GAP = 0.005
# What handling a reply queues (never the planner's reminders, check-ins or welcomes).
ANSWER_KINDS = (REPLY, ALERT, CALL)


@dataclass
class JobRun:
    name: str
    last_start: datetime | None = None
    last_success: datetime | None = None
    last_duration: float | None = None
    last_error: str | None = None
    runs: int = 0
    failures: int = 0


class Service:
    def __init__(
        self,
        settings: Settings,
        *,
        database: dbmod.Database | None = None,
        transport: Transport | None = None,
        clock: Clock = utcnow,
        worker_id: str | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.settings = settings
        self.db = database or open_database(settings)
        self.transport = transport or build_transport(settings)
        self.clock = clock
        self.metrics = metrics
        self.templates = Templates.from_settings(settings)
        self.dispatcher = Dispatcher(
            self.db,
            self.transport,
            settings,
            clock=clock,
            worker_id=worker_id,
            metrics=metrics,
            templates=self.templates,
        )
        self.jobs: dict[str, JobRun] = {}
        self.inbox_wakeup = threading.Event()
        self.urgent_stored = threading.Event()  # a crisis delivery is durable, not yet taken
        self.inbox_worker: threading.Thread | None = None
        self.inbox_writer: inbox.InboxWriter | None = None
        self._writer_lock = threading.Lock()
        self._webhooks_waiting = 0  # deliveries handed to the writer, not yet durable
        self.last_webhook = 0.0
        self._waiting_lock = threading.Lock()
        self.crisis_terms = tuple(DEFAULT_CRISIS_TERMS) + settings.crisis_terms

    # --- steps --------------------------------------------------------------------------
    def plan_step(self, now: datetime | None = None) -> PlanResult:
        return plan(self.db, self.settings, now or self.clock(), self.templates)

    def dispatch_step(self, now: datetime | None = None) -> DispatchResult:
        return self.dispatcher.drain(now)

    def expire_step(self, now: datetime | None = None) -> int:
        return self.dispatcher.expire(now)

    def tick(self, now: datetime | None = None) -> tuple[PlanResult, DispatchResult]:
        """One plan + dispatch cycle as of ``now``."""
        now = now or self.clock()
        return self.plan_step(now), self.dispatcher.drain(now)

    def extra_jobs(self) -> dict[str, tuple[Callable[[], object], timedelta]]:
        """Jobs that only some deployments run (name -> (step, interval))."""
        jobs: dict[str, tuple[Callable[[], object], timedelta]] = {}
        if self.transport.polls:
            jobs["poll"] = (self.poll_step, self.settings.poll_interval)
        if self.settings.reports_dir is not None:
            jobs["reports"] = (self.report_step, timedelta(minutes=5))
        jobs["purge"] = (self.purge_step, timedelta(hours=6))
        jobs["escalate"] = (self.escalate_step, ESCALATE_INTERVAL)
        return jobs

    def escalate_step(self, now: datetime | None = None) -> EscalationResult:
        """Risk replies that did not arrive become alerts; alerts nobody claimed or closed in
        time reach the next tier (notifier/inbound/escalation.py); safe on every replica."""
        now = now or self.clock()
        undelivered.check(self.db, self.settings, self.templates, now)
        return escalate(self.db, self.settings, self.templates, now)

    def purge_step(self, now: datetime | None = None) -> object:
        with state.singleton(self.db, "purge") as mine:
            if not mine:
                return None
            return retention.housekeep(self.db, self.settings, now or self.clock())

    # --- two-way ------------------------------------------------------------------------
    def receive(
        self,
        *,
        from_phone: str,
        body: str,
        provider_sid: str | None = None,
        opt_out_type: str | None = None,
        source: str = "webhook",
        now: datetime | None = None,
    ) -> InboundResult:
        result = replies.receive(
            self.db,
            self.settings,
            from_phone=from_phone,
            body=body,
            now=now or self.clock(),
            provider_sid=provider_sid,
            opt_out_type=opt_out_type,
            source=source,
            templates=self.templates,
        )
        if self.metrics is not None and not result.duplicate:
            self.metrics.reply_received(result.category, result.queued)
        return result

    def submit_inbound(
        self, *, provider_sid: str, from_phone: str, body: str, opt_out_type: str | None = None
    ) -> Future[None]:
        """The webhook's part: hand the delivery to the inbox writer; the future completes
        when it is durable. Crisis language is flagged so the worker takes it first."""
        if self.inbox_writer is None:
            with self._writer_lock:
                if self.inbox_writer is None:
                    self.inbox_writer = inbox.InboxWriter(
                        self.db, self.inbox_wakeup.set, on_urgent=self.urgent_stored.set
                    )
        self.last_webhook = time.monotonic()
        urgent = classify(body, crisis_terms=self.crisis_terms).category == "crisis"
        with self._waiting_lock:
            self._webhooks_waiting += 1
        stored = self.inbox_writer.submit(
            provider_sid=provider_sid,
            from_phone=from_phone,
            body=body,
            opt_out_type=opt_out_type,
            urgent=urgent,
            now=self.clock(),
        )
        stored.add_done_callback(self._webhook_stored)
        return stored

    def _webhook_stored(self, _: Future[None]) -> None:
        with self._waiting_lock:
            self._webhooks_waiting -= 1

    def webhook_backlog(self) -> int:
        """Webhook deliveries waiting to be stored, plus one while webhooks arrive in a burst
        (the last under BURST_GAP ago): the webhook path is behind while > 0."""
        burst = time.monotonic() - self.last_webhook < BURST_GAP
        return self._webhooks_waiting + int(burst)

    def _yield_to_webhooks(self, most: float) -> None:
        """Leave the process to the webhook while its deliveries wait to be stored, in short
        slices, at most ``most`` seconds. A recent webhook alone is no reason: at a steady
        50 replies/s one always is, and yielding then kept the worker at a tenth all noon. A
        crisis stored meanwhile ends the yield."""
        deadline = time.monotonic() + most
        while self.webhook_backlog() > 0:
            left = deadline - time.monotonic()
            if left <= 0 or self.urgent_stored.wait(min(left, YIELD_SLICE)):
                return

    def process_inbox(
        self, now: datetime | None = None, paced: bool = False, batched: bool = True
    ) -> int:
        """Turn stored deliveries into replies (and send what answers them), a batch per
        transaction (notifier.inbound.inbox.process; ``batched=False``: one by one)."""
        total = 0
        batch_started = 0.0
        last_cost = 0.0

        def handle(**kwargs: Any) -> InboundResult:
            return replies.receive(self.db, self.settings, templates=self.templates, **kwargs)

        def prepare(deliveries: list[dict[str, Any]]) -> replies.Batch:
            # A batch's context is read once for all its deliveries (inside its transaction).
            return replies.Batch(self.db, self.settings, self.templates, deliveries)

        def after(results: list[object]) -> None:
            # Once the batch is committed: metrics, and what it queued goes out at once (a
            # crisis batch is a batch of its own, so its response does not wait for others).
            nonlocal last_cost
            last_cost = time.monotonic() - batch_started
            queued = False
            for result in results:
                assert isinstance(result, InboundResult)
                if self.metrics is not None and not result.duplicate:
                    self.metrics.reply_received(result.category, result.queued)
                queued = queued or bool(result.queued)
            if queued:
                self.send_answers()

        def pace(urgent: bool) -> None:
            # While webhooks wait to be stored, ordinary replies take at most about a
            # twentieth of the process, so Twilio keeps getting fast answers; crisis batches
            # never yield (and one stored during a yield ends it).
            nonlocal batch_started
            if paced and not urgent:
                self._yield_to_webhooks(max(YIELD_FACTOR * last_cost, YIELD_SLICE))
            batch_started = time.monotonic()

        def urgent_arrived() -> bool:
            # Cleared before the claim that takes it, so one stored meanwhile is not missed.
            if not self.urgent_stored.is_set():
                return False
            self.urgent_stored.clear()
            return True

        while True:
            self.urgent_stored.clear()  # this claim takes crisis rows first anyway
            n = inbox.process(
                self.db,
                self.dispatcher.worker_id,
                now or self.clock(),
                handle,
                limit=INBOX_BATCH,
                pace=pace,
                urgent_arrived=urgent_arrived,
                after=after,
                batched=batched,
                prepare=prepare,
            )
            total += n
            if n == 0:
                return total

    def start_inbox_worker(self) -> None:
        """Process the inbox as deliveries arrive (`notifier run`); also every second, for
        rows stored by other replicas or left by one that stopped."""

        def loop() -> None:
            while not self.dispatcher.stopping.is_set():
                self.inbox_wakeup.wait(1.0)
                self.inbox_wakeup.clear()
                try:
                    self.process_inbox(paced=True)
                except Exception:
                    log.exception("inbox worker error", extra={"event": "inbox.worker_error"})
                    time.sleep(1.0)

        self.inbox_worker = threading.Thread(target=loop, name="inbox", daemon=True)
        self.inbox_worker.start()

    def send_now(self, now: datetime | None = None) -> DispatchResult:
        """Send what is due right away (a crisis response should not wait for the next tick)."""
        return self.dispatcher.drain(now)

    def send_answers(self, now: datetime | None = None) -> DispatchResult:
        """Send the answers to replies that are due (texts to clients, alerts and calls to
        staff), not the planned texts: at a noon whose check-ins wait for the provider's cap,
        a 988/911 reply goes next instead of behind them, and the inbox worker does not spend
        the backlog's minutes sending check-ins (the dispatch job's work)."""
        return self.dispatcher.drain(now, kinds=ANSWER_KINDS, expire=False)

    def status_callback(self, sid: str, report: StatusReport) -> str:
        now = self.clock()
        applied = delivery.apply_status(self.db, sid, report, now)
        if applied == "updated":
            # "Did NOT get the 988/911 text": queued now, sent by the next dispatch (seconds).
            undelivered.check(self.db, self.settings, self.templates, now)
        return applied

    def poll_step(self, now: datetime | None = None) -> int:
        """Replies that arrived while the webhook was down, and sends of unknown outcome."""
        return poller.poll(
            self.db,
            self.transport,
            now or self.clock(),
            receive=self.receive,
            settle=self.dispatcher.settle_unknown,
            send_now=self.send_now,
        )

    def report_step(self, now: datetime | None = None) -> list[str]:
        return reports.write_due_reports(self.db, self.settings, now or self.clock())

    def followup(self, group: str, now: datetime | None = None) -> Digest:
        return build_digest(self.db, self.settings, group, now or self.clock())

    def observe_webhook(self, name: str, seconds: float) -> None:
        if self.metrics is not None:
            self.metrics.webhook_latency(name, seconds)

    def metrics_text(self) -> bytes:
        if self.metrics is None:
            return b""
        return bytes(self.metrics.render(self.db))

    # --- scheduling support ---------------------------------------------------------------
    def job(self, name: str, step: Callable[[], object]) -> Callable[[], None]:
        """Wrap a step for the scheduler: timed, recorded, and never raising (a failing job is
        logged and retried at its next interval; the scheduler keeps running)."""
        record = self.jobs.setdefault(name, JobRun(name))

        def run() -> None:
            started = time.monotonic()
            record.last_start = utcnow()
            record.runs += 1
            try:
                step()
            except Exception as exc:
                record.failures += 1
                record.last_error = type(exc).__name__
                log.exception("job failed", extra={"event": "job.error", "job": name})
                if self.metrics is not None:
                    self.metrics.job_failed(name)
                self._persist(record)
                return
            record.last_duration = time.monotonic() - started
            record.last_success = utcnow()
            record.last_error = None
            if self.metrics is not None:
                self.metrics.job_succeeded(name, record.last_duration)
            self._persist(record)

        run.__name__ = f"job_{name}"
        return run

    def _persist(self, record: JobRun) -> None:
        """Share the run with every replica (for `notifier status`); best effort."""
        # When the database is down the job's own failure is already logged.
        with contextlib.suppress(SQLAlchemyError):
            state.record_job_run(self.db, record, self.dispatcher.worker_id)

    def ready(self) -> tuple[bool, str]:
        if not self.db.ping():
            return False, "database unreachable"
        if not dbmod.is_migrated(self.db):
            return False, "database not migrated"
        return True, "ok"

    def close(self) -> None:
        self.dispatcher.stopping.set()
        self.inbox_wakeup.set()
        if self.inbox_worker is not None:
            self.inbox_worker.join(timeout=30)
        if self.inbox_writer is not None:
            self.inbox_writer.close()
        self.dispatcher.stop(wait=True)
        self.db.dispose()
