"""Token buckets in the database, so a limit holds across replicas and restarts.

The same idea as healthchecks' ``TokenBucket``: each bucket holds up to ``burst`` tokens and
refills at ``rate`` tokens per second; an action that is limited spends one token, and while
fewer than one is left it is refused. A bucket is named for WHAT it limits and keyed by WHO:

- ``bucket``: a short name (at most 60 characters), e.g. ``"staff-bearer"`` (failed bearer
  tokens on ``GET /followup/{group}``) or ``"staff-signin"`` (failed sign-ins);
- ``key``: who is limited, e.g. a client address or an account name. It is never stored: the
  row's primary key is ``bucket:`` + a keyed hash of it (HMAC under a key derived from the
  encryption key when the database has one, else SHA-256).

Throttling failures (the caller checks first, and spends a token only when the attempt fails,
so a right answer costs nothing)::

    limit = Limit("staff-bearer", burst=10, per=timedelta(minutes=15))
    if not limit.allow(db, address, now):
        return 429, {"Retry-After": str(limit.retry_after(db, address, now))}
    if not credentials_ok:
        limit.penalise(db, address, now)
        return 401

The functions under it take the bucket, the key, ``now`` (aware UTC) and the bucket's
``rate`` (tokens per second) and ``burst`` (capacity): :func:`allow`, :func:`penalise`,
:func:`retry_after`; :func:`take` / :func:`refund` (spend a token up front, give it back
when the answer was right: failures only, without a check-then-spend race), :func:`reset`
(forget an account's failures after a success); :func:`prune` deletes buckets nobody touched
for a while (a full bucket and a missing row mean the same).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from notifier.core.db import Database, rowcount
from notifier.core.models import ThrottleBucket

MAX_BUCKET_NAME = 60
# Buckets untouched this long are deleted by the purge job (every Limit refills well within it).
IDLE_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    """``burst`` attempts at once, refilled evenly over ``per`` (10 per 15 minutes: one more
    every 90 seconds once the first 10 are spent)."""

    bucket: str
    burst: int
    per: timedelta

    @property
    def rate(self) -> float:
        return self.burst / self.per.total_seconds()

    def allow(self, db: Database, key: str, now: datetime) -> bool:
        return allow(db, self.bucket, key, now, rate=self.rate, burst=self.burst)

    def penalise(self, db: Database, key: str, now: datetime) -> float:
        return penalise(db, self.bucket, key, now, rate=self.rate, burst=self.burst)

    def retry_after(self, db: Database, key: str, now: datetime) -> int:
        return retry_after(db, self.bucket, key, now, rate=self.rate, burst=self.burst)

    def take(self, db: Database, key: str, now: datetime) -> bool:
        return take(db, self.bucket, key, now, rate=self.rate, burst=self.burst)

    def refund(self, db: Database, key: str, now: datetime) -> None:
        refund(db, self.bucket, key, now, rate=self.rate, burst=self.burst)

    def reset(self, db: Database, key: str) -> None:
        reset(db, self.bucket, key)


def stored_key(db: Database, bucket: str, key: str) -> str:
    """What the table holds for (bucket, key): the name, and a keyed hash of who."""
    if not bucket or len(bucket) > MAX_BUCKET_NAME or ":" in bucket:
        raise ValueError(f"bucket name {bucket!r}: expected 1-{MAX_BUCKET_NAME} chars, no ':'")
    material = f"throttle\x00{bucket}\x00{key}"
    if db.crypto is not None:
        digest = db.crypto.lookup_hash(material)
    else:
        digest = hashlib.sha256(material.encode()).hexdigest()
    return f"{bucket}:{digest}"


def _level(row: ThrottleBucket | None, now: datetime, rate: float, burst: int) -> float:
    """Tokens in the bucket at ``now`` (a missing row is a full bucket)."""
    if row is None:
        return float(burst)
    elapsed = max((now - row.updated_at).total_seconds(), 0.0)
    return min(float(burst), row.tokens + elapsed * rate)


def _wait(level: float, rate: float) -> float:
    return 0.0 if level >= 1.0 else (1.0 - level) / rate


def _read(db: Database, bucket: str, key: str) -> ThrottleBucket | None:
    with db.read() as s:
        return s.get(ThrottleBucket, stored_key(db, bucket, key))


def allow(db: Database, bucket: str, key: str, now: datetime, *, rate: float, burst: int) -> bool:
    """Whether at least one token is left: the attempt may go ahead."""
    return _level(_read(db, bucket, key), now, rate, burst) >= 1.0


def retry_after(
    db: Database, bucket: str, key: str, now: datetime, *, rate: float, burst: int
) -> int:
    """Whole seconds until a token is back (0 when one is there now)."""
    return math.ceil(_wait(_level(_read(db, bucket, key), now, rate, burst), rate))


def penalise(
    db: Database, bucket: str, key: str, now: datetime, *, rate: float, burst: int
) -> float:
    """Spend one token (never below zero); returns the seconds until one is back.

    One short write transaction with the row locked (``FOR UPDATE`` on PostgreSQL, the write
    lock on SQLite), so failures on several replicas at once each count."""
    stored = stored_key(db, bucket, key)
    with db.session() as s:
        _ensure_row(s, db, stored, burst, now)
        row = s.scalars(
            select(ThrottleBucket).where(ThrottleBucket.key == stored).with_for_update()
        ).one()
        level = max(_level(row, now, rate, burst) - 1.0, 0.0)
        s.execute(
            update(ThrottleBucket)
            .where(ThrottleBucket.key == stored)
            .values(tokens=level, updated_at=max(now, row.updated_at))
        )
    return _wait(level, rate)


def take(db: Database, bucket: str, key: str, now: datetime, *, rate: float, burst: int) -> bool:
    """Spend one token if one is there, in one locked transaction; whether it was.

    For limits that count failures only: take before checking the answer (so attempts made
    at the same moment cannot all pass a check-then-spend race), then :func:`refund` the
    token when the answer was right."""
    stored = stored_key(db, bucket, key)
    with db.session() as s:
        _ensure_row(s, db, stored, burst, now)
        row = s.scalars(
            select(ThrottleBucket).where(ThrottleBucket.key == stored).with_for_update()
        ).one()
        level = _level(row, now, rate, burst)
        if level < 1.0:
            return False
        s.execute(
            update(ThrottleBucket)
            .where(ThrottleBucket.key == stored)
            .values(tokens=level - 1.0, updated_at=max(now, row.updated_at))
        )
    return True


def refund(db: Database, bucket: str, key: str, now: datetime, *, rate: float, burst: int) -> None:
    """Give back the token a :func:`take` spent (never above ``burst``)."""
    stored = stored_key(db, bucket, key)
    with db.session() as s:
        row = s.scalars(
            select(ThrottleBucket).where(ThrottleBucket.key == stored).with_for_update()
        ).one_or_none()
        if row is None:
            return  # a missing row is already a full bucket
        level = min(_level(row, now, rate, burst) + 1.0, float(burst))
        s.execute(
            update(ThrottleBucket)
            .where(ThrottleBucket.key == stored)
            .values(tokens=level, updated_at=max(now, row.updated_at))
        )


def reset(db: Database, bucket: str, key: str) -> None:
    """Forget every failure counted for (bucket, key): the bucket is full again."""
    with db.session() as s:
        s.execute(delete(ThrottleBucket).where(ThrottleBucket.key == stored_key(db, bucket, key)))


def _ensure_row(s: Session, db: Database, stored: str, burst: int, now: datetime) -> None:
    insert = sqlite_insert if db.is_sqlite else pg_insert
    s.execute(
        insert(ThrottleBucket)
        .values(key=stored, tokens=float(burst), updated_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )


def prune(db: Database, before: datetime) -> int:
    """Delete buckets untouched since ``before`` (choose it so they are full again by then)."""
    with db.session() as s:
        return rowcount(s.execute(delete(ThrottleBucket).where(ThrottleBucket.updated_at < before)))
