"""notifier/throttle.py: a token bucket per key in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notifier.db import Database
from notifier.throttle import allow

T0 = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def test_throttle_allows_the_burst_then_refills_at_the_rate(database: Database) -> None:
    assert [allow(database, "b", "k", T0, 2.0, 3) for _ in range(4)] == [True] * 3 + [False]
    assert not allow(database, "b", "k", T0 + timedelta(seconds=29), 2.0, 3)
    assert allow(database, "b", "k", T0 + timedelta(seconds=31), 2.0, 3)
    assert not allow(database, "b", "k", T0 + timedelta(seconds=32), 2.0, 3)
    # Never more than the burst, however long it rested.
    later = T0 + timedelta(days=1)
    assert [allow(database, "b", "k", later, 2.0, 3) for _ in range(4)] == [True] * 3 + [False]


def test_throttle_keys_and_buckets_are_separate(database: Database) -> None:
    assert allow(database, "b", "one", T0, 1.0, 1)
    assert not allow(database, "b", "one", T0, 1.0, 1)
    assert allow(database, "b", "two", T0, 1.0, 1)
    assert allow(database, "other", "one", T0, 1.0, 1)
