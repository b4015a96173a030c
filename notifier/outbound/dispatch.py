"""The dispatch loop: claim due rows, decide, send, record; retry, fail or expire.

One dispatch step:
1. expire: pending rows past their freshness become ``expired`` (never blasted after downtime);
2. claim: a batch of due rows moves to ``sending`` under this worker (a lease; see
   :class:`~notifier.outbound.outbox.Outbox`). Rows of a worker that died go back into play
   after ``NOTIFIER_CLAIM_LEASE`` and are looked up at the provider before any resend;
3. send: up to ``NOTIFIER_SEND_CONCURRENCY`` at once. What happens to each row is decided by
   :func:`~notifier.outbound.decisions.send_decision` before the send and
   :func:`~notifier.outbound.decisions.retry_decision` after a failure; this module applies
   them, and records outcomes in batches (:class:`Recorder`), so one slow API call holds up
   nothing else.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from notifier.core.clock import Clock, utcnow
from notifier.core.db import Database
from notifier.core.metrics import Metrics
from notifier.core.models import (
    CALL,
    CANCELED,
    EXPIRED,
    PENDING,
    REMINDER,
    SENDING,
    SENT,
)
from notifier.core.settings import Settings
from notifier.outbound.decisions import (
    Claimed,
    GiveUp,
    Lookup,
    Retry,
    Send,
    backoff,
    priority,
    refused_at_cap,
    retry_decision,
    send_decision,
)
from notifier.outbound.outbox import ANSWER_ORDER, Outbox
from notifier.outbound.pacing import URGENT, RateLimiter
from notifier.outbound.recorder import Recorder
from notifier.outbound.render import planned_text
from notifier.outbound.texts import Templates
from notifier.roster import support
from notifier.roster.consent import opt_out
from notifier.transports.base import ProviderMessage, Transport, TransportError

log = logging.getLogger(__name__)

# Outcomes are written every FLUSH_INTERVAL seconds or FLUSH_SIZE outcomes, whichever first.
FLUSH_INTERVAL = 0.02
FLUSH_SIZE = 200
MAX_REFILLS = 20  # batches claimed while the first is still being sent, per run_once


@dataclass
class DispatchResult:
    claimed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    expired: int = 0

    def __str__(self) -> str:
        parts = [f"claimed={self.claimed}", f"expired={self.expired}"]
        parts += [f"{k}={v}" for k, v in sorted(self.outcomes.items())]
        return " ".join(parts)


# Sends of a life-safety answer refused at the provider's cap, in a row, before the back-off.
URGENT_TRIES = 3
URGENT_PAUSE = 0.2  # seconds between those tries when sends are not paced (no rate limiter)


@dataclass(frozen=True)
class _Row(Claimed):
    sink: Recorder | None = None  # where this row's outcome waits to be written


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
        # Drains of some kinds only (the answers to replies: 988/911 texts, alerts, calls) get
        # threads of their own under the same rate limit: on the shared pool they would queue
        # behind every planned text a running batch has already handed it (a noon's check-ins
        # at the provider's cap: seconds). Here they wait for at most a few send slots.
        # Four, not two: a burst's acknowledgements (one per reply, each a ~100 ms API call)
        # are answers too, and two threads sent about 16 a second while a noon's replies came
        # at 50 a second per replica (benchmarks.noon).
        self.answer_threads = min(4, settings.send_concurrency)
        self.answer_pool = ThreadPoolExecutor(
            max_workers=self.answer_threads, thread_name_prefix="answer"
        )

    # ----------------------------------------------------------------------------------------
    def expire(self, now: datetime | None = None) -> int:
        """Pending rows whose freshness ran out become ``expired`` (see Outbox.expire)."""
        count = self.outbox.expire(now or self.clock())
        if count:
            log.info("expired stale messages", extra={"event": "expire", "count": count})
        return count

    def claim(
        self,
        now: datetime,
        limit: int,
        *,
        only_unknown: bool = False,
        kinds: Sequence[str] | None = None,
    ) -> list[int]:
        """Lease up to ``limit`` due rows to this worker (see Outbox.claim); their ids."""
        return self.outbox.claim(
            now, limit, self.settings.claim_lease, only_unknown=only_unknown, kinds=kinds,
            rank=ANSWER_ORDER if kinds is not None else None,
        )  # fmt: skip

    def _load(self, ids: list[int], sink: Recorder | None = None) -> list[_Row]:
        """The claimed rows with what sending needs; planned rows get their words now."""
        loaded_at = self.clock()
        return [
            _row(r, _words(r, self.templates, self.settings), loaded_at, sink)
            for r in self.outbox.load(ids)
        ]

    # ----------------------------------------------------------------------------------------
    def run_once(
        self,
        now: datetime | None = None,
        limit: int | None = None,
        kinds: Sequence[str] | None = None,
    ) -> DispatchResult:
        """Claim one batch (of ``kinds`` only, when given) and send it. Returns what
        happened."""
        now = now or self.clock()
        started = self.clock()
        result = DispatchResult()
        if self.stopping.is_set():
            return result
        # Stale rows are never claimed (the claim checks not_after); marking them `expired`
        # is the expire job's, and drain()'s, business.
        ids = self.claim(now, limit or self._batch(kinds), kinds=kinds)
        result.claimed = len(ids)
        if not ids:
            return result
        recorder = Recorder(self.outbox, self.metrics)
        claimed = self._load(ids, recorder)
        if self.transport.local:
            # A transport that never waits on a network (the console one) gains nothing from
            # threads, only hand-offs: send in this thread, record in one go.
            try:
                for c in claimed:
                    result.outcomes[self._process(c)] += 1
            finally:
                recorder.flush()
            return result
        try:
            self._send_pooled(claimed, recorder, now, started, result, kinds)
        finally:
            recorder.flush()
        if result.claimed:
            log.info(
                "dispatched batch",
                extra={"event": "dispatch", "claimed": result.claimed, **result.outcomes},
            )
        return result

    def _send_pooled(
        self,
        claimed: list[_Row],
        recorder: Recorder,
        now: datetime,
        started: datetime,
        result: DispatchResult,
        kinds: Sequence[str] | None = None,
    ) -> None:
        """Send on the thread pool, writing outcomes as they come in. Keeps the send threads
        busy: when fewer sends are in flight than threads, claims more now rather than wait
        for the whole batch (with slow API calls, each batch boundary would otherwise idle
        every thread)."""
        pool = self.pool if kinds is None else self.answer_pool
        width = self.settings.send_concurrency if kinds is None else self.answer_threads
        # A 988/911 text claimed with older acknowledgements starts first (sorted is stable).
        pending = {pool.submit(self._process, c) for c in sorted(claimed, key=priority)}
        refills = 0
        while pending:
            done, pending = wait(pending, timeout=FLUSH_INTERVAL, return_when=FIRST_COMPLETED)
            for future in done:
                result.outcomes[future.result()] += 1
            if recorder.due(FLUSH_SIZE, FLUSH_INTERVAL):
                recorder.flush()
            if len(pending) < width and refills < MAX_REFILLS and not self.stopping.is_set():
                at = now + (self.clock() - started)
                more = self.claim(at, self._batch(kinds), kinds=kinds)
                refills += 1
                if not more:
                    refills = MAX_REFILLS  # nothing more is due: finish this round
                    continue
                result.claimed += len(more)
                pending |= {pool.submit(self._process, c) for c in self._load(more, recorder)}

    def _batch(self, kinds: Sequence[str] | None) -> int:
        """Rows per claim. Answers take only what their threads send at once: a claim sorts
        the life-safety ones first, but rows already handed to the threads are sent in the
        order given, so a 988/911 reply recorded a moment later waited behind a whole batch
        of acknowledgements (4 s at the noon benchmark). Claiming again as each send ends lets
        it go at the next."""
        return self.settings.dispatch_batch if kinds is None else self.answer_threads

    def settle_unknown(self, now: datetime | None = None, limit: int = 200) -> int:
        """Look up every send whose outcome is unknown (a timeout, a crash between the API
        call and the commit) instead of sending it again. Found: recorded as sent. Not found:
        handed back to the dispatcher to send (or expired if too late). Returns rows settled."""
        now = now or self.clock()
        settled = 0
        for c in self._load(self.claim(now, limit, only_unknown=True)):
            found = self._lookup(c, c.to or "")
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

    def drain(
        self,
        now: datetime | None = None,
        max_batches: int = 10_000,
        kinds: Sequence[str] | None = None,
        expire: bool = True,
    ) -> DispatchResult:
        """Run batches until nothing due (of ``kinds``, when given) is left (or we are asked
        to stop). ``expire=False`` leaves marking stale rows to the expire job (a claim never
        takes them): that scan reads every pending row, 0.2 s with a noon's 100,000."""
        total = DispatchResult()
        total.expired = self.expire(now) if expire else 0
        for _ in range(max_batches):
            step = self.run_once(now, kinds=kinds)
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
        self.answer_pool.shutdown(wait=wait, cancel_futures=False)
        self.transport.close()

    # ----------------------------------------------------------------------------------------
    def _now(self, c: _Row) -> datetime:
        if c.loaded_at is None:
            return self.clock()
        return c.claimed_at + (self.clock() - c.loaded_at)

    def _process(self, c: _Row) -> str:
        try:
            return self._process_inner(c)
        except Exception:
            # Never leave a row in `sending` because of our own bug: back to pending, retried.
            log.exception("dispatch error", extra={"event": "dispatch.error", "message_id": c.id})
            self._record(
                c, status=PENDING, next_attempt_at=self._now(c) + self.settings.retry_backoff
            )
            return "error"

    def _process_inner(self, c: _Row) -> str:
        if self.stopping.is_set():
            return self._release(c)
        now = self._now(c)
        decision = send_decision(c, now, self.settings)
        if isinstance(decision, Lookup):
            # The last attempt may have reached the provider: find out before anything else.
            found = self._lookup(c, decision.to)
            if found == "error":
                return self._after_failure(c, None, self._now(c), "lookup failed")
            if isinstance(found, ProviderMessage):
                return self._sent(c, found.sid, self._now(c), via="lookup")
            now = self._now(c)
            decision = send_decision(replace(c, needs_lookup=False), now, self.settings)
            assert not isinstance(decision, Lookup)
        if not isinstance(decision, Send):
            self._record(c, **decision.values())
            return decision.outcome
        if self._lease_spent(c):
            return self._release(c)
        first = priority(c)
        for tried in range(1, URGENT_TRIES + 1):
            if self.limiter is not None and not self.limiter.acquire(self.stopping, first):
                return self._release(c)
            if self._lease_spent(c):  # pacing may have held it long
                return self._release(c)
            try:
                if c.kind == CALL:  # an escalation tier's voice call: the body is what it says
                    result = self.transport.call(decision.to, c.body, message_id=c.id)
                else:
                    result = self.transport.send(
                        decision.to, c.body, message_id=c.id, valid_for=decision.valid_for
                    )
            except TransportError as exc:
                if first == URGENT and refused_at_cap(exc) and tried < URGENT_TRIES:
                    # The provider's cap, which planned texts keep full at a noon: a 988/911
                    # text takes the next slot (ahead of them) instead of the back-off
                    # (30 s by default). Refused, the send did not happen: no lookup needed.
                    log.info(
                        "urgent send refused at the cap: next slot",
                        extra={"event": "send.urgent_retry", "message_id": c.id, "try": tried},
                    )
                    if self.limiter is None:  # unpaced: nothing spaces the next try for us
                        self.stopping.wait(URGENT_PAUSE)
                    continue
                return self._after_failure(c, exc, now, exc.reason)
            return self._sent(c, result.provider_sid, self._now(c))
        raise AssertionError("unreachable: the last try returns")  # pragma: no cover

    def _lookup(self, c: _Row, to: str) -> ProviderMessage | str | None:
        try:
            return self.transport.lookup(to, c.body, c.lookup_since or c.claimed_at)
        except TransportError:
            return "error"

    def _sent(self, c: _Row, sid: str, now: datetime, via: str = "send") -> str:
        self._record(c, status=SENT, provider_sid=sid, sent_at=now)
        log.debug("sent", extra={"event": "sent", "message_id": c.id, "via": via})
        return "sent"

    def _after_failure(self, c: _Row, exc: TransportError | None, now: datetime, why: str) -> str:
        """Apply retry_decision to a failed send (or a failed lookup: ``exc`` None)."""
        decision = retry_decision(c, exc, now, self.settings, self.rng.uniform(0.5, 1.0))
        self._record(c, **decision.values())
        if isinstance(decision, GiveUp) and decision.opt_out and c.client_id is not None:
            # The provider's word for "opted out at the carrier", e.g. twilio:21610.
            source = f"{self.transport.name}:{decision.code}"
            if c.recipient and c.kind == REMINDER:  # a support person's number, not the client's
                support.number_opted_out(self.db, c.client_id, c.recipient, now, source)
            else:
                opt_out(self.db, c.client_id, now, source=source, cancel_pending=True)
        _log_failure(c, decision, why)
        return decision.outcome

    def backoff(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """Exponential backoff with jitter (half to full delay), at least Retry-After."""
        jitter = self.rng.uniform(0.5, 1.0)
        return backoff(attempts, self.settings.retry_backoff, jitter, retry_after)

    def _lease_spent(self, c: _Row) -> bool:
        """Half the lease gone before the send starts: another worker may take the row over
        at any moment, and its provider lookup would not see a send we start now, so the
        client could get the text twice. Handing it back costs a moment; a double text to a
        client in treatment costs more. Logged so ops can lengthen NOTIFIER_CLAIM_LEASE."""
        if self._now(c) - c.claimed_at < self.settings.claim_lease / 2:
            return False
        log.warning(
            "claim held past half its lease: handed back unsent",
            extra={"event": "dispatch.lease_short", "message_id": c.id},
        )
        return True

    def _release(self, c: _Row) -> str:
        """Hand an unsent row back (stopping, or paced out): as if never claimed."""
        self._record(c, status=PENDING, attempts_delta=-1, claimed_by=None)
        return "released"

    def _record(self, c: _Row, **values: Any) -> None:
        values.setdefault("status_at", self._now(c))
        if c.rendered and values.get("status") != CANCELED:
            # The words that went (or may have gone) out, for the record and for lookups.
            values["body"] = c.body
        if "claimed_by" not in values and values.get("status") != SENDING:
            values["claimed_by"] = None if values.get("status") == PENDING else self.worker_id
        if c.sink is not None:
            c.sink.add(c, values)
        else:
            Recorder(self.outbox, self.metrics).write([(c, values)])


def _log_failure(c: Claimed, decision: GiveUp | Retry, why: str) -> None:
    if isinstance(decision, Retry):
        log.info(
            "send will be retried",
            extra={
                "event": "send.retry",
                "message_id": c.id,
                "code": decision.code,
                "why": why,
                "attempt": c.attempts,
                "delay_s": round(decision.delay.total_seconds(), 1),
                "outcome_unknown": decision.unknown,
            },
        )
    elif decision.reason == "permanent":
        log.info(
            "send failed permanently",
            extra={"event": "send.failed", "message_id": c.id, "code": decision.code},
        )


def _words(r: Any, templates: Templates, settings: Settings) -> str | None:
    """The words of a planned row (stored without them), rendered as it is sent; None for a
    row that has its words already."""
    if r.body or r.first_name is None:
        return None
    return planned_text(
        templates,
        settings,
        kind=r.kind,
        label=r.label,
        first_name=r.first_name,
        language=r.language,
        tz=ZoneInfo(r.timezone),
        due_at=r.due_at,
        session_kind=r.session_kind,
        group_name=r.session_group,
        starts_at=r.starts_at,
        location=r.location,
    )


def _row(r: Any, words: str | None, loaded_at: datetime, sink: Recorder | None) -> _Row:
    active = r.consent_at is not None and r.opted_out_at is None and r.discharged_at is None
    return _Row(
        id=r.id,
        kind=r.kind,
        label=r.label,
        body=words if words is not None else r.body,
        recipient=r.recipient,
        not_after=r.not_after,
        needs_lookup=r.needs_lookup,
        lookup_since=r.lookup_since,
        claimed_at=r.claimed_at or loaded_at,
        attempts=r.attempts,
        client_id=r.client_id,
        phone=r.phone,
        tz=r.timezone,
        client_active=active,
        rendered=words is not None,
        loaded_at=loaded_at,
        sink=sink,
    )
