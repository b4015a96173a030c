"""Sign-in throttling's arithmetic: buckets that count failures only (see
``notifier.web.routes.auth`` for which buckets a sign-in uses, and why)."""

from __future__ import annotations

from datetime import datetime

from notifier.core import throttle
from notifier.core.db import Database

# (bucket name, who, tokens per minute, burst)
Bucket = tuple[str, str, float, int]


def too_many(wait_seconds: int) -> str:
    """The refusal, with the wait in whole minutes (rounded up: never "0 minutes")."""
    minutes = max(1, -(-wait_seconds // 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many sign-in attempts. Try again in {minutes} {unit}."


def take(db: Database, buckets: list[Bucket], now: datetime) -> int:
    """Take a token from every bucket: 0 when each had one, else the seconds until the
    refusing one has one again (tokens already taken are given back)."""
    taken: list[Bucket] = []
    for name, key, per_minute, burst in buckets:
        rate = per_minute / 60.0
        if not throttle.take(db, name, key, now, rate=rate, burst=burst):
            succeeded(db, taken, now, forgive=False)
            return max(1, throttle.retry_after(db, name, key, now, rate=rate, burst=burst))
        taken.append((name, key, per_minute, burst))
    return 0


def succeeded(db: Database, buckets: list[Bucket], now: datetime, *, forgive: bool) -> None:
    """A right answer costs nothing: its tokens go back; with ``forgive``, the account's (or
    the device's) earlier failures are forgotten too."""
    for i, (name, key, per_minute, burst) in enumerate(buckets):
        if forgive and i == len(buckets) - 1:
            throttle.reset(db, name, key)
        else:
            throttle.refund(db, name, key, now, rate=per_minute / 60.0, burst=burst)
