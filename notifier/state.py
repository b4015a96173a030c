"""Small shared state in the database (the poller's cursor, reports written), and the lock
that lets only one replica run a singleton job."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select, text

from notifier.db import Database
from notifier.models import ServiceState


def get(db: Database, key: str) -> str | None:
    with db.read() as s:
        return s.scalar(select(ServiceState.value).where(ServiceState.key == key))


def put(db: Database, key: str, value: str, now: datetime) -> None:
    with db.session() as s:
        row = s.get(ServiceState, key)
        if row is None:
            s.add(ServiceState(key=key, value=value, updated_at=now))
        else:
            row.value, row.updated_at = value, now


def lock_id(name: str) -> int:
    """A stable signed 64-bit id for pg_advisory_lock, derived from the job's name."""
    return int.from_bytes(
        hashlib.sha256(f"notifier:{name}".encode()).digest()[:8], "big", signed=True
    )


@contextlib.contextmanager
def singleton(db: Database, name: str) -> Iterator[bool]:
    """Yields True in the one replica that holds the job's lock, False in the others.

    PostgreSQL: a session-level advisory lock on a connection held for the job's duration;
    it is released when the job ends or, if the process dies, when its connection closes.
    SQLite has one replica by definition: always True.
    """
    if db.is_sqlite:
        yield True
        return
    with db.engine.connect() as conn:
        got = bool(
            conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_id(name)}).scalar()
        )
        conn.commit()
        try:
            yield got
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_id(name)})
                conn.commit()
