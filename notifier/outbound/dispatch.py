"""Claim due rows, send them, record what happened; retry, fail or expire.

One dispatch step:
1. expire: pending rows past their freshness become ``expired`` (never blasted after downtime);
2. claim: a batch of due rows moves to ``sending`` in one statement. SQLite serialises claims
   with ``BEGIN IMMEDIATE``; PostgreSQL uses ``FOR UPDATE SKIP LOCKED`` so several replicas
   take disjoint rows. A claim is a lease: rows of a worker that died go back into play after
   ``NOTIFIER_CLAIM_LEASE`` and are looked up at the provider before any resend;
3. send: up to ``NOTIFIER_SEND_CONCURRENCY`` at once, each recorded in its own short
   transaction as soon as it completes, so one slow API call holds up nothing else.

Every write after the claim is guarded by ``status='sending' AND claimed_by=<me>``: a worker
that lost its lease cannot overwrite what the new owner recorded.
"""

from __future__ import annotations

import logging
import random
import threading
import time as _time
import uuid
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from notifier.core.calendar import in_quiet_hours, quiet_window_end
from notifier.core.clock import Clock, utcnow
from notifier.core.db import Database
from notifier.core.metrics import Metrics
from notifier.core.models import (
    ALERT,
    CANCELED,
    EXPIRED,
    FAILED,
    PENDING,
    REPLY,
    SENDING,
    SENT,
    SKIPPED,
    Message,
)
from notifier.core.settings import Settings
from notifier.outbound.outbox import Outbox
from notifier.outbound.render import planned_text
from notifier.outbound.texts import Templates
from notifier.transports.base import ProviderMessage, Transport, TransportError
from notifier.transports.errors import OPTED_OUT_CODE

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=15)
# Outcomes are written every FLUSH_INTERVAL seconds or FLUSH_SIZE outcomes, whichever first.
FLUSH_INTERVAL = 0.02
FLUSH_SIZE = 200
MAX_REFILLS = 20  # batches claimed while the first is still being sent, per run_once
LATE_WAKE = 0.005  # seconds of a sleeping sender's lateness the rate limiter absorbs
# Replies to the client's own message go out whatever the hour and even after an opt-out
# (the opt-out confirmation itself, HELP, a crisis response). Everything else waits.
ALWAYS_ALLOWED_REPLIES = frozenset(
    {"opt_out_confirm", "opt_in_confirm", "help", "crisis", "concern", "callback"}
)


@dataclass
class DispatchResult:
    claimed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    expired: int = 0

    def __str__(self) -> str:
        parts = [f"claimed={self.claimed}", f"expired={self.expired}"]
        parts += [f"{k}={v}" for k, v in sorted(self.outcomes.items())]
        return " ".join(parts)


class RateLimiter:
    """Paces the send threads of this process to ``rate`` messages per second.

    Sends get evenly spaced time slots, handed out in order (no bursts: a provider that counts
    sends per sliding second never sees two seconds' worth in one). A thread that wakes a
    little late does not push the whole schedule back; nothing more is ever made up. The pace
    is 3% under the configured rate, so timing jitter between here and the provider does not
    push a second over the limit (a 429).
    """

    MARGIN = 0.97

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / (rate * self.MARGIN)
        self.next_slot = _time.monotonic()
        self.lock = threading.Lock()

    def acquire(self, stop: threading.Event | None = None) -> bool:
        with self.lock:
            now = _time.monotonic()
            # A thread woken a few milliseconds late does not push the schedule back; but
            # after a pause nothing is "made up" beyond that, or two sends would bunch.
            slot = max(self.next_slot, now - min(self.interval / 2, LATE_WAKE))
            self.next_slot = slot + self.interval
        wait = slot - _time.monotonic()
        if wait <= 0:
            return True
        if stop is not None:
            return not stop.wait(wait)
        _time.sleep(wait)
        return True


class Recorder:
    """Outcomes of one batch, written together.

    Send threads hand their outcome here; the dispatching thread writes whatever has arrived
    every few milliseconds in one transaction (sent rows as one executemany). One commit per
    message was the whole cost of dispatching (an fsync each on PostgreSQL, lock hand-offs on
    SQLite); a send whose record is still waiting here when the process dies is settled by
    lookup, like any other send of unknown outcome.
    """

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.lock = threading.Lock()
        self.items: list[tuple[_Claimed, dict[str, Any]]] = []
        self.first_at: float | None = None

    def add(self, c: _Claimed, values: dict[str, Any]) -> None:
        with self.lock:
            if not self.items:
                self.first_at = _time.monotonic()
            self.items.append((c, values))

    def due(self, size: int, interval: float) -> bool:
        with self.lock:
            return bool(self.items) and (
                len(self.items) >= size
                or (self.first_at is not None and _time.monotonic() - self.first_at >= interval)
            )

    def flush(self) -> None:
        with self.lock:
            items, self.items, self.first_at = self.items, [], None
        if items:
            self.dispatcher._write(items)


@dataclass(frozen=True)
class _Claimed:
    id: int
    kind: str
    label: str | None
    body: str
    recipient: str | None
    not_after: datetime
    needs_lookup: bool
    lookup_since: datetime | None
    claimed_at: datetime
    attempts: int
    client_id: int | None
    phone: str | None
    tz: str | None
    client_active: bool
    sink: Recorder | None = None
    rendered: bool = False  # the words were rendered now: store them with the outcome
    # The dispatcher's clock when the row was loaded: the row's time is the instant it was
    # claimed for (the caller's `now`) plus what the clock says passed since, so a test, a
    # simulation or `tick --now` passing a fixed instant is never mixed with the wall clock,
    # while a slow batch still checks freshness against time that really passed.
    loaded_at: datetime | None = None


class Dispatcher:
    def __init__(
        self,
        db: Database,
        transport: Transport,
        settings: Settings,
        *,
        clock: Clock = utcnow,
        worker_id: str | None = None,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
        templates: Templates | None = None,
    ) -> None:
        self.db = db
        self.transport = transport
        self.settings = settings
        self.clock = clock
        self.worker_id = worker_id or f"w-{uuid.uuid4().hex[:12]}"
        self.outbox = Outbox(db, self.worker_id)
        self.rng = rng or random.Random()
        self.metrics = metrics
        self.stopping = threading.Event()
        self.templates = templates or Templates.from_settings(settings)
        self.limiter = RateLimiter(settings.max_send_rate) if settings.max_send_rate > 0 else None
        self.pool = ThreadPoolExecutor(
            max_workers=settings.send_concurrency, thread_name_prefix="send"
        )

    # ----------------------------------------------------------------------------------------
    def expire(self, now: datetime | None = None) -> int:
        """Pending rows whose freshness ran out become ``expired`` (see Outbox.expire)."""
        count = self.outbox.expire(now or self.clock())
        if count:
            log.info("expired stale messages", extra={"event": "expire", "count": count})
        return count

    def claim(self, now: datetime, limit: int, *, only_unknown: bool = False) -> list[int]:
        """Lease up to ``limit`` due rows to this worker (see Outbox.claim); their ids."""
        return self.outbox.claim(now, limit, self.settings.claim_lease, only_unknown=only_unknown)

    def _load(self, ids: list[int], sink: Recorder | None = None) -> list[_Claimed]:
        """The claimed rows with what sending needs (columns, not ORM objects: this runs for
        every message sent)."""
        rows = self.outbox.load(ids)
        out = []
        loaded_at = self.clock()
        for r in rows:
            body, rendered = r.body, False
            if not body and r.first_name is not None:
                words = planned_text(
                    self.templates,
                    self.settings,
                    kind=r.kind,
                    label=r.label,
                    first_name=r.first_name,
                    language=r.language,
                    tz=ZoneInfo(r.timezone),
                    due_at=r.due_at,
                    session_kind=r.session_kind,
                    starts_at=r.starts_at,
                    location=r.location,
                )
                if words is not None:
                    body, rendered = words, True
            out.append(
                _Claimed(
                    r.id,
                    r.kind,
                    r.label,
                    body,
                    r.recipient,
                    r.not_after,
                    r.needs_lookup,
                    r.lookup_since,
                    r.claimed_at or self.clock(),
                    r.attempts,
                    r.client_id,
                    r.phone,
                    r.timezone,
                    r.consent_at is not None and r.opted_out_at is None and r.discharged_at is None,
                    sink,
                    rendered,
                    loaded_at,
                )
            )
        return out

    # ----------------------------------------------------------------------------------------
    def run_once(self, now: datetime | None = None, limit: int | None = None) -> DispatchResult:
        """Expire, claim one batch and send it. Returns what happened."""
        now = now or self.clock()
        started = self.clock()
        result = DispatchResult()
        if self.stopping.is_set():
            return result
        # Stale rows are never claimed (the claim checks not_after); marking them `expired`
        # is the expire job's, and drain()'s, business.
        ids = self.claim(now, limit or self.settings.dispatch_batch)
        result.claimed = len(ids)
        if not ids:
            return result
        recorder = Recorder(self)
        claimed = self._load(ids, recorder)
        if getattr(self.transport, "local", False):
            # A transport that never waits on a network (the console one) gains nothing from
            # threads, only hand-offs: send in this thread, record in one go.
            try:
                for c in claimed:
                    result.outcomes[self._process(c)] += 1
            finally:
                recorder.flush()
            return result
        pending = {self.pool.submit(self._process, c) for c in claimed}
        refills = 0
        try:
            while pending:
                done, pending = wait(pending, timeout=FLUSH_INTERVAL, return_when=FIRST_COMPLETED)
                for future in done:
                    result.outcomes[future.result()] += 1
                if recorder.due(FLUSH_SIZE, FLUSH_INTERVAL):
                    recorder.flush()
                # Keep the send threads busy: when fewer sends are in flight than threads,
                # claim more now rather than wait for the whole batch to finish (with slow
                # API calls, each batch boundary would otherwise idle every thread).
                if (
                    len(pending) < self.settings.send_concurrency
                    and refills < MAX_REFILLS
                    and not self.stopping.is_set()
                ):
                    more = self.claim(
                        now + (self.clock() - started),
                        self.settings.dispatch_batch,
                    )
                    refills += 1
                    if more:
                        result.claimed += len(more)
                        pending |= {
                            self.pool.submit(self._process, c) for c in self._load(more, recorder)
                        }
                    else:
                        refills = MAX_REFILLS  # nothing more is due: finish this round
        finally:
            recorder.flush()
        if result.claimed:
            log.info(
                "dispatched batch",
                extra={"event": "dispatch", "claimed": result.claimed, **result.outcomes},
            )
        return result

    def settle_unknown(self, now: datetime | None = None, limit: int = 200) -> int:
        """Look up every send whose outcome is unknown (a timeout, a crash between the API
        call and the commit) instead of sending it again. Found: recorded as sent. Not found:
        handed back to the dispatcher to send (or expired if too late). Returns rows settled."""
        now = now or self.clock()
        settled = 0
        for c in self._load(self.claim(now, limit, only_unknown=True)):
            to = c.recipient if c.kind == ALERT else c.phone
            found = self._lookup(c, to or "")
            if found == "error":
                self._record(c, status=PENDING, attempts_delta=-1)
                continue
            settled += 1
            if isinstance(found, ProviderMessage):
                self._sent(c, found.sid, now, via="lookup")
            elif now >= c.not_after:
                self._record(c, status=EXPIRED, reason="stale", needs_lookup=False)
            else:
                self._record(
                    c, status=PENDING, attempts_delta=-1, needs_lookup=False, lookup_since=None
                )
        return settled

    def drain(self, now: datetime | None = None, max_batches: int = 10_000) -> DispatchResult:
        """Run batches until nothing due is left (or we are asked to stop)."""
        total = DispatchResult()
        total.expired = self.expire(now)
        for _ in range(max_batches):
            step = self.run_once(now)
            total.claimed += step.claimed
            total.expired += step.expired
            total.outcomes.update(step.outcomes)
            if not step.claimed or self.stopping.is_set():
                break
        return total

    def stop(self, wait: bool = True) -> None:
        """Stop claiming; sends already under way finish and are recorded."""
        self.stopping.set()
        self.pool.shutdown(wait=wait, cancel_futures=False)
        self.transport.close()

    # ----------------------------------------------------------------------------------------
    def _now(self, c: _Claimed) -> datetime:
        if c.loaded_at is None:
            return self.clock()
        return c.claimed_at + (self.clock() - c.loaded_at)

    def _process(self, c: _Claimed) -> str:
        try:
            return self._process_inner(c)
        except Exception:
            # Never leave a row in `sending` because of our own bug: back to pending, retried.
            log.exception("dispatch error", extra={"event": "dispatch.error", "message_id": c.id})
            self._record(
                c, status=PENDING, next_attempt_at=self._now(c) + self.settings.retry_backoff
            )
            return "error"

    def _process_inner(self, c: _Claimed) -> str:
        if self.stopping.is_set():
            self._release(c)
            return "released"
        to = c.recipient if c.kind == ALERT else c.phone
        if not to:
            self._record(c, status=FAILED, error_code="no_recipient", reason="no_recipient")
            return "failed"
        if c.needs_lookup:
            # The last attempt may have reached the provider: find out before anything else.
            found = self._lookup(c, to)
            if found == "error":
                return self._retry(c, None, self._now(c), "lookup failed")
            if isinstance(found, ProviderMessage):
                return self._sent(c, found.sid, self._now(c), via="lookup")
        now = self._now(c)
        if now >= c.not_after:
            self._record(c, status=EXPIRED, reason="stale")
            return "expired"
        exempt = c.kind == ALERT or (c.kind == REPLY and c.label in ALWAYS_ALLOWED_REPLIES)
        if not exempt and not c.client_active:
            # Opt-out is sacred: checked again at the last moment, not only when planning.
            self._record(c, status=CANCELED, reason="client_inactive", attempts_delta=-1)
            return "canceled"
        tz = ZoneInfo(c.tz) if c.tz else self.settings.timezone
        quiet = self.settings.quiet_hours
        if not exempt and in_quiet_hours(now, tz, quiet):
            assert quiet is not None
            moved = quiet_window_end(now, tz, quiet)
            if c.kind == REPLY or moved >= c.not_after:
                self._record(c, status=SKIPPED, reason="quiet_hours", attempts_delta=-1)
                return "skipped"
            self._record(c, status=PENDING, due_at=moved, attempts_delta=-1)
            return "deferred"
        if self.limiter is not None and not self.limiter.acquire(self.stopping):
            self._release(c)
            return "released"
        valid_for = (c.not_after - now).total_seconds()
        try:
            result = self.transport.send(to, c.body, message_id=c.id, valid_for=valid_for)
        except TransportError as exc:
            return self._failed(c, exc, now)
        return self._sent(c, result.provider_sid, self._now(c))

    def _lookup(self, c: _Claimed, to: str) -> ProviderMessage | str | None:
        try:
            return self.transport.lookup(to, c.body, c.lookup_since or c.claimed_at)
        except TransportError:
            return "error"

    def _sent(self, c: _Claimed, sid: str, now: datetime, via: str = "send") -> str:
        self._record(c, status=SENT, provider_sid=sid, sent_at=now)
        log.debug("sent", extra={"event": "sent", "message_id": c.id, "via": via})
        return "sent"

    def _failed(self, c: _Claimed, exc: TransportError, now: datetime) -> str:
        if exc.permanent:
            self._record(c, status=FAILED, error_code=exc.code or "permanent", reason="permanent")
            if exc.code == OPTED_OUT_CODE and c.client_id is not None and c.kind != ALERT:
                from notifier.roster.consent import opt_out

                opt_out(self.db, c.client_id, now, source="twilio:21610", cancel_pending=True)
            log.info(
                "send failed permanently",
                extra={"event": "send.failed", "message_id": c.id, "code": exc.code},
            )
            return "failed"
        return self._retry(c, exc, now, exc.reason)

    def _retry(self, c: _Claimed, exc: TransportError | None, now: datetime, why: str) -> str:
        code = exc.code if exc else None
        unknown = bool(exc and exc.outcome_unknown)
        if c.attempts >= self.settings.max_attempts:
            self._record(
                c,
                status=FAILED,
                error_code=code or "retries",
                reason="max_attempts",
                needs_lookup=unknown,
                lookup_since=c.claimed_at if unknown else None,
            )
            return "failed"
        delay = self.backoff(c.attempts, exc.retry_after if exc else None)
        retry_at = now + delay
        if retry_at >= c.not_after and not unknown:
            # Retrying would only send it late: give up now, with the reason recorded.
            self._record(c, status=FAILED, error_code=code or "transient", reason="stale")
            return "failed"
        self._record(
            c,
            status=PENDING,
            next_attempt_at=retry_at,
            error_code=code,
            needs_lookup=unknown or c.needs_lookup,
            lookup_since=(c.lookup_since or c.claimed_at) if (unknown or c.needs_lookup) else None,
        )
        log.info(
            "send will be retried",
            extra={
                "event": "send.retry",
                "message_id": c.id,
                "code": code,
                "why": why,
                "attempt": c.attempts,
                "delay_s": round(delay.total_seconds(), 1),
                "outcome_unknown": unknown,
            },
        )
        return "retry"

    def backoff(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """Exponential backoff with jitter (half to full delay), at least Retry-After."""
        base: timedelta = self.settings.retry_backoff * (1 << min(max(attempts - 1, 0), 20))
        delay: timedelta = min(base, MAX_BACKOFF) * self.rng.uniform(0.5, 1.0)
        if retry_after is not None:
            delay = max(delay, timedelta(seconds=retry_after))
        return delay

    def _release(self, c: _Claimed) -> None:
        self._record(c, status=PENDING, attempts_delta=-1, claimed_by=None)

    def _record(self, c: _Claimed, *, attempts_delta: int = 0, **values: Any) -> None:
        values.setdefault("status_at", self._now(c))
        if c.rendered and values.get("status") != CANCELED:
            # The words that went (or may have gone) out, for the record and for lookups.
            values["body"] = c.body
        if attempts_delta:
            values["attempts"] = Message.attempts + attempts_delta
        if "claimed_by" not in values and values.get("status") != SENDING:
            values["claimed_by"] = None if values.get("status") == PENDING else self.worker_id
        if c.sink is not None:
            c.sink.add(c, values)
        else:
            self._write([(c, values)])

    def _write(self, items: list[tuple[_Claimed, dict[str, Any]]]) -> None:
        """Record outcomes in one transaction. Every write is guarded by ``status='sending'
        AND claimed_by=<me>``: a worker that lost its lease cannot overwrite the new owner."""
        try:
            self.outbox.record([(c.id, values) for c, values in items])
        except IntegrityError:
            if len(items) == 1:
                c, values = items[0]
                # The provider's sid is already on another row: a lookup matched the wrong
                # message. Hand it back to be sent, rather than record a false "sent".
                log.warning(
                    "duplicate provider sid",
                    extra={"event": "dispatch.dup_sid", "message_id": c.id},
                )
                self._write(
                    [
                        (
                            c,
                            {
                                "status": PENDING,
                                "needs_lookup": False,
                                "claimed_by": None,
                                "status_at": values.get("status_at"),
                            },
                        )
                    ]
                )
                return
            for item in items:  # find the one that broke the batch
                self._write([item])
            return
        if self.metrics is not None:
            for c, values in items:
                status = str(values.get("status"))
                code = values.get("error_code")
                if status != PENDING:
                    self.metrics.message_outcome(c.kind, status)
                if code and status in (PENDING, FAILED):
                    self.metrics.send_error(str(code))
