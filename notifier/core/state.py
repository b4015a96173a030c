"""Small shared state in the database (the poller's cursor, reports written), and the lock
that lets only one replica run a singleton job."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from notifier.core.db import Database
from notifier.core.models import JobRunRow, ServiceState


def get(db: Database, key: str) -> str | None:
    with db.read() as s:
        return s.scalar(select(ServiceState.value).where(ServiceState.key == key))


def updated_at(db: Database, key: str) -> datetime | None:
    """When ``key`` was last set, or None if it never was."""
    with db.read() as s:
        return s.scalar(select(ServiceState.updated_at).where(ServiceState.key == key))


def put(db: Database, key: str, value: str, now: datetime) -> None:
    """Set a value (an upsert: replicas may write the same key at the same moment)."""
    table = cast(Table, ServiceState.__table__)
    insert = sqlite.insert if db.is_sqlite else postgresql.insert
    stmt = insert(table).values(key=key, value=value, updated_at=now)
    with db.session() as s:
        s.execute(
            stmt.on_conflict_do_update(
                index_elements=["key"],
                set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
            )
        )


def record_job_run(db: Database, run: Any, worker: str) -> None:
    """Upsert one job's last run (a row per job name, shared by all replicas)."""
    table = cast(Table, JobRunRow.__table__)
    insert = postgresql.insert if not db.is_sqlite else sqlite.insert
    values = {
        "name": run.name, "last_start": run.last_start, "last_success": run.last_success,
        "last_duration_ms": None if run.last_duration is None else int(run.last_duration * 1000),
        "last_error": run.last_error, "runs": run.runs, "failures": run.failures,
        "worker": worker,
    }  # fmt: skip
    stmt = insert(table).values(**values)
    update: dict[str, Any] = {
        k: stmt.excluded[k] for k in values if k not in ("name", "last_success")
    }
    # A failed run keeps the previous success time.
    update["last_success"] = func.coalesce(stmt.excluded.last_success, table.c.last_success)
    with db.session() as s:
        s.execute(stmt.on_conflict_do_update(index_elements=["name"], set_=update))


def job_runs(db: Database) -> list[JobRunRow]:
    with db.read() as s:
        return list(s.scalars(select(JobRunRow).order_by(JobRunRow.name)))


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
