"""Token buckets in the database, shared by every replica: ``allow()`` takes one token.

A bucket starts full (``burst`` tokens) and refills at ``rate_per_minute``; a call that finds
less than one token is refused and changes nothing. The row key is ``bucket:key`` (at most 160
characters); callers pass a key that identifies no one by itself (a keyed hash of an e-mail,
an address).

(staff-auth's minimal version of this module; the lead reconciles it with the full one.)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from notifier.db import Database
from notifier.models import ThrottleBucket


def allow(
    db: Database, bucket: str, key: str, now: datetime, rate_per_minute: float, burst: int
) -> bool:
    """Take one token from the bucket ``bucket:key`` as of ``now``; False when it is empty."""
    row_key = f"{bucket}:{key}"[:160]
    for _ in range(2):  # a concurrent first insert of the same key: read it and go again
        try:
            return _take(db, row_key, now, rate_per_minute, burst)
        except IntegrityError:
            continue
    return False


def _take(db: Database, row_key: str, now: datetime, rate: float, burst: int) -> bool:
    with db.session() as s:
        row = s.scalar(
            select(ThrottleBucket).where(ThrottleBucket.key == row_key).with_for_update()
        )
        if row is None:
            s.add(ThrottleBucket(key=row_key, tokens=float(burst) - 1.0, updated_at=now))
            return burst >= 1
        elapsed = max((now - row.updated_at).total_seconds(), 0.0)
        tokens = min(float(burst), row.tokens + elapsed * rate / 60.0)
        if tokens < 1.0:
            return False
        row.tokens = tokens - 1.0
        row.updated_at = max(now, row.updated_at)
        return True
