"""What the dispatcher does with a claimed row, decided without touching the database or the
provider (procrastinate's ``RetryDecision``; the reply path's ``inbound.decision.decide``).

- :func:`send_decision` is asked right before a send: send it, look it up first (the last
  attempt may have reached the provider), expire it (its freshness ran out), cancel it (the
  client stopped, unless the text is exempt), skip or defer it (quiet hours, as
  :mod:`notifier.outbound.quiet` says), or fail it (nobody to send to).
- :func:`retry_decision` is asked after a send failed: retry with backoff, or give up (a
  permanent error, too many attempts, or a retry that could only be late).

Each decision is a small frozen value that names its outcome and the columns it writes; the
:class:`~notifier.outbound.dispatch.Dispatcher` is the loop that applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from notifier.core.models import ALERT, CALL, CANCELED, EXPIRED, FAILED, PENDING, REPLY, SKIPPED
from notifier.core.settings import Settings
from notifier.outbound.pacing import ANSWER, BULK, URGENT
from notifier.outbound.quiet import exempt, placement
from notifier.outbound.texts import TEAM_OF
from notifier.transports.base import TransportError

MAX_BACKOFF = timedelta(minutes=15)


@dataclass(frozen=True)
class Claimed:
    """A row this worker claimed, with what deciding and sending need."""

    id: int
    kind: str
    label: str | None
    body: str
    recipient: str | None  # set only when the text is not for the client (staff alerts)
    not_after: datetime
    needs_lookup: bool
    lookup_since: datetime | None
    claimed_at: datetime
    attempts: int
    client_id: int | None
    phone: str | None
    tz: str | None
    client_active: bool  # consenting, not opted out, not discharged
    rendered: bool = False  # the words were rendered now: store them with the outcome
    # The dispatcher's clock when the row was loaded: the row's time is the instant it was
    # claimed for (the caller's `now`) plus what the clock says passed since, so a test, a
    # simulation or `tick --now` passing a fixed instant is never mixed with the wall clock,
    # while a slow batch still checks freshness against time that really passed.
    loaded_at: datetime | None = None

    @property
    def to(self) -> str | None:
        # An alert goes to its staff number only, never to the client's phone; a reply to a
        # number on no client's record carries that number as its recipient.
        if self.kind in (ALERT, CALL):
            return self.recipient
        return self.recipient or self.phone


# --- before a send ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Send:
    outcome: ClassVar[str] = "sent"
    to: str
    valid_for: float  # seconds of freshness left: the provider drops it after that


@dataclass(frozen=True)
class Lookup:
    """The last attempt's outcome is unknown: ask the provider before anything else."""

    outcome: ClassVar[str] = "lookup"
    to: str


@dataclass(frozen=True)
class Expire:
    outcome: ClassVar[str] = "expired"

    def values(self) -> dict[str, Any]:
        return {"status": EXPIRED, "reason": "stale"}


@dataclass(frozen=True)
class Cancel:
    outcome: ClassVar[str] = "canceled"
    reason: str

    def values(self) -> dict[str, Any]:
        return {"status": CANCELED, "reason": self.reason, "attempts_delta": -1}


@dataclass(frozen=True)
class Skip:
    outcome: ClassVar[str] = "skipped"
    reason: str

    def values(self) -> dict[str, Any]:
        return {"status": SKIPPED, "reason": self.reason, "attempts_delta": -1}


@dataclass(frozen=True)
class Defer:
    outcome: ClassVar[str] = "deferred"
    until: datetime

    def values(self) -> dict[str, Any]:
        return {"status": PENDING, "due_at": self.until, "attempts_delta": -1}


@dataclass(frozen=True)
class Fail:
    outcome: ClassVar[str] = "failed"
    reason: str

    def values(self) -> dict[str, Any]:
        return {"status": FAILED, "error_code": self.reason, "reason": self.reason}


SendDecision = Send | Lookup | Expire | Cancel | Skip | Defer | Fail


def send_decision(c: Claimed, now: datetime, settings: Settings) -> SendDecision:
    """What to do with ``c`` at ``now``, in this order: nobody to send to, an unknown last
    outcome, freshness, consent (opt-out is sacred: checked again at the last moment, not only
    when planning), quiet hours."""
    to = c.to
    if not to:
        return Fail("no_recipient")
    if c.needs_lookup:
        return Lookup(to)
    if now >= c.not_after:
        return Expire()
    if not exempt(c.kind, c.label) and not c.client_active:
        return Cancel("client_inactive")
    tz = ZoneInfo(c.tz) if c.tz else settings.timezone
    placed = placement(c.kind, c.label, now, c.not_after, tz, settings.quiet_hours, sending=True)
    if placed is None:
        return Skip("quiet_hours")
    if placed != now:
        return Defer(placed)
    return Send(to, (c.not_after - now).total_seconds())


# --- who goes first ---------------------------------------------------------------------------
# Replies a life may hang on: the 988/911 text and every text that comes with an alert to
# staff (those that carry the {team} sentence), and the reply to an unknown number's crisis.
LIFE_SAFETY_REPLIES = frozenset(TEAM_OF) | {"unknown_crisis"}
RATE_LIMITED = "20429"  # Twilio's "Too Many Requests" (HTTP 429)


def priority(c: Claimed) -> int:
    """The rate limiter's order (notifier.outbound.pacing): the 988/911 reply and the staff's
    pages and calls first, then other answers to replies, then planned texts. The claim's
    order among answers (outbox.ANSWER_ORDER) puts the client's text before the pages within
    the first of these."""
    if c.kind in (ALERT, CALL) or (c.kind == REPLY and c.label in LIFE_SAFETY_REPLIES):
        return URGENT
    return ANSWER if c.kind == REPLY else BULK


def refused_at_cap(exc: TransportError) -> bool:
    """A 429 (Twilio 20429): the provider refused the send for its rate; it did not happen."""
    return not exc.permanent and not exc.outcome_unknown and exc.code == RATE_LIMITED


# --- after a failed send ----------------------------------------------------------------------
@dataclass(frozen=True)
class Retry:
    outcome: ClassVar[str] = "retry"
    at: datetime
    delay: timedelta
    code: str | None
    unknown: bool  # this attempt may have reached the provider
    needs_lookup: bool
    lookup_since: datetime | None

    def values(self) -> dict[str, Any]:
        return {
            "status": PENDING,
            "next_attempt_at": self.at,
            "error_code": self.code,
            "needs_lookup": self.needs_lookup,
            "lookup_since": self.lookup_since,
        }


@dataclass(frozen=True)
class GiveUp:
    outcome: ClassVar[str] = "failed"
    code: str
    reason: str  # permanent | max_attempts | stale
    # Whether the row still needs a lookup (None: as it was). A last attempt of unknown
    # outcome keeps it, so nothing that may have gone out is counted as never sent.
    needs_lookup: bool | None = None
    lookup_since: datetime | None = None
    opt_out: bool = False  # the provider says the client opted out at the carrier

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"status": FAILED, "error_code": self.code, "reason": self.reason}
        if self.needs_lookup is not None:
            values |= {"needs_lookup": self.needs_lookup, "lookup_since": self.lookup_since}
        return values


RetryDecision = Retry | GiveUp


def backoff(
    attempts: int, base: timedelta, jitter: float, retry_after: float | None = None
) -> timedelta:
    """Exponential backoff (``base`` doubled per attempt, at most :data:`MAX_BACKOFF`) times
    ``jitter`` (drawn from [0.5, 1]), and never less than the provider's Retry-After."""
    grown: timedelta = base * (1 << min(max(attempts - 1, 0), 20))
    delay: timedelta = min(grown, MAX_BACKOFF) * jitter
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def retry_decision(
    c: Claimed, error: TransportError | None, now: datetime, settings: Settings, jitter: float
) -> RetryDecision:
    """After a failed send (``error``) or a failed lookup (None): try again later, or not."""
    code = error.code if error else None
    if error is not None and error.permanent:
        opt_out = error.opted_out and c.client_id is not None and c.kind != ALERT
        return GiveUp(code or "permanent", "permanent", opt_out=opt_out)
    unknown = bool(error and error.outcome_unknown)
    if c.attempts >= settings.max_attempts:
        since = c.claimed_at if unknown else None
        return GiveUp(code or "retries", "max_attempts", needs_lookup=unknown, lookup_since=since)
    delay = backoff(
        c.attempts, settings.retry_backoff, jitter, error.retry_after if error else None
    )
    if now + delay >= c.not_after and not unknown:
        # Retrying would only send it late: give up now, with the reason recorded.
        return GiveUp(code or "transient", "stale")
    lookup = unknown or c.needs_lookup
    return Retry(
        now + delay,
        delay,
        code,
        unknown,
        lookup,
        (c.lookup_since or c.claimed_at) if lookup else None,
    )
