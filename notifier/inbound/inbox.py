"""The inbox: what the webhook stores, and the worker that turns it into replies.

The webhook checks the signature and hands the delivery to :class:`InboxWriter`, which writes
whatever has arrived in one transaction every couple of milliseconds (ON CONFLICT DO NOTHING on
the MessageSid, so Twilio's retries are absorbed) and then lets the waiting requests answer. One
commit per delivery was most of a webhook's cost; now Twilio gets its answer as soon as the
delivery is durable, however busy classification and replies are.

:func:`process` claims stored rows (``BEGIN IMMEDIATE`` on SQLite, ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, with a lease so a replica that dies mid-way loses nothing) and hands them to the one
inbound path (:func:`notifier.inbound.replies.receive`, which also de-duplicates on the
MessageSid) in batches: one transaction records a batch's replies, what answers them, and
deletes their inbox rows (a durable commit per reply was most of the worker's cost). Crisis
messages (flagged at the webhook) go first, in a batch of their own, also past the rest of a
batch already claimed: a crisis that arrives while the worker is paced through fifty ordinary
replies is taken before the next of them (B6 in docs/benchmarks.md: it waited up to 3.5 s
before). A row that fails five times is kept, with its error, for a person to look at.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import takewhile
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update

from notifier.core.db import Database, bulk_insert_ignore, rowcount
from notifier.core.models import INBOX

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5
DEAD = "failed"
BATCH = 256
LINGER = 0.002  # seconds a batch waits for company before it is written


def _row(
    provider_sid: str,
    from_phone: str,
    body: str,
    opt_out_type: str | None,
    urgent: bool,
    now: datetime,
) -> dict[str, Any]:
    return {
        "provider_sid": provider_sid,
        "from_phone": from_phone,
        "body": body.replace("\x00", ""),
        "opt_out_type": opt_out_type,
        "urgent": urgent,
        "received_at": now,
        "claimed_by": None,
        "claimed_at": None,
        "attempts": 0,
        "last_error": None,
    }


class InboxWriter:
    """Group-commits deliveries from many concurrent webhook requests."""

    def __init__(
        self,
        db: Database,
        on_written: Callable[[], None],
        on_urgent: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.on_written = on_written
        self.on_urgent = on_urgent  # after a batch holding a crisis message is durable
        self.queue: queue.Queue[tuple[dict[str, Any], Future[None]] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="inbox-writer", daemon=True)
        self.thread.start()

    def submit(
        self,
        *,
        provider_sid: str,
        from_phone: str,
        body: str,
        opt_out_type: str | None,
        urgent: bool,
        now: datetime,
    ) -> Future[None]:
        done: Future[None] = Future()
        self.queue.put((_row(provider_sid, from_phone, body, opt_out_type, urgent, now), done))
        return done

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            batch = [item]
            try:
                while len(batch) < BATCH:
                    more = self.queue.get(timeout=LINGER)
                    if more is None:
                        self.queue.put(None)
                        break
                    batch.append(more)
            except queue.Empty:
                pass
            self._write(batch)

    def _write(self, batch: list[tuple[dict[str, Any], Future[None]]]) -> None:
        # Duplicate MessageSids inside one batch would make the insert itself conflict twice;
        # keep the first, as a retry is the same message.
        rows: dict[str, dict[str, Any]] = {}
        for row, _ in batch:
            rows.setdefault(row["provider_sid"], row)
        try:
            with self.db.session() as s:
                bulk_insert_ignore(s.connection(), INBOX, list(rows.values()), "provider_sid")
        except Exception as exc:  # the webhook answers 503 and Twilio retries
            for _, done in batch:
                done.set_exception(exc)
            return
        for _, done in batch:
            done.set_result(None)
        if self.on_urgent is not None and any(row["urgent"] for row, _ in batch):
            self.on_urgent()
        self.on_written()


def claim(
    db: Database, worker: str, now: datetime, limit: int = 50, urgent_only: bool = False
) -> list[int]:
    i = INBOX.c
    free = or_(i.claimed_by.is_(None), and_(i.claimed_by != DEAD, i.claimed_at < now - LEASE))
    if urgent_only:
        free = and_(free, i.urgent.is_(True))
    pick = select(i.id).where(free).order_by(i.urgent.desc(), i.id).limit(limit)
    if not db.is_sqlite:
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(INBOX)
        .where(i.id.in_(pick.scalar_subquery()))
        .values(claimed_by=worker, claimed_at=now, attempts=i.attempts + 1)
        .returning(i.id)
    )
    with db.write_lock() as conn:
        return [r[0] for r in conn.execute(stmt)]


def process(
    db: Database,
    worker: str,
    now: datetime,
    handle: Callable[..., object],
    limit: int = 50,
    pace: Callable[[bool], None] | None = None,
    urgent_arrived: Callable[[], bool] | None = None,
    urgent_only: bool = False,
    after: Callable[[list[object]], None] | None = None,
    batched: bool = True,
    prepare: Callable[[list[dict[str, Any]]], Callable[..., object]] | None = None,
) -> int:
    """Process up to ``limit`` stored deliveries, crisis first; returns how many were handled.

    The claimed rows are handled in batches, each one write transaction (:meth:`Database.batch`:
    the replies, what answers them, and the inbox rows' delete commit together, so a reply is
    recorded exactly when its delivery leaves the inbox). Crisis rows form a batch of their
    own, committed first. ``after(results)`` is called after each batch commits (the worker
    sends what was queued then). ``pace(urgent)`` is called before each batch (the worker
    uses it to leave the webhook room during a burst). ``urgent_arrived()`` is asked before
    each ordinary delivery: when it says a crisis message has been stored since, the batch
    so far is committed and unclaimed crisis rows are handled first. A batch that fails is
    rolled back and its deliveries handled again one by one, so one bad delivery holds up no
    other. ``prepare(deliveries)``, when given, is called at the start of each batch's
    transaction with the deliveries it may hold and returns their handler (the worker's
    handler reads what the replies need once per batch: notifier.inbound.replies.Batch); a
    handler with a ``finish()`` has it called after the batch's last delivery, inside the
    transaction (Batch writes the batch's replies there, together); an error in it rolls
    the batch back like any other. One by one, ``handle`` is used. ``batched=False``
    handles every delivery in its own transactions (the way before batches; the tests
    compare the two)."""
    ids = claim(db, worker, now, limit, urgent_only=urgent_only)
    if not ids:
        return 0
    i = INBOX.c
    with db.read() as s:
        rows = s.execute(
            select(
                i.id,
                i.provider_sid,
                i.from_phone,
                i.body,
                i.opt_out_type,
                i.urgent,
                i.received_at,
                i.attempts,
            )
            .where(i.id.in_(ids), i.claimed_by == worker)
            .order_by(i.urgent.desc(), i.id)
        ).all()
    if not batched:
        return _one_by_one(db, worker, list(rows), handle, after, pace, urgent_arrived, now, limit)
    done = 0
    left = list(rows)
    while left:
        if pace is not None:
            pace(bool(left[0].urgent))
        run = _batch(db, worker, left, handle, urgent_arrived, prepare)
        left = left[len(run.taken) :]
        if run.failed:
            done += _one_by_one(db, worker, run.taken, handle, after)
        else:
            done += run.deleted
            if after is not None and run.results:
                after(run.results)
        if run.preempted:
            done += process(
                db, worker, now, handle, limit, urgent_only=True, after=after, prepare=prepare
            )
    return done


@dataclass
class _Run:
    taken: list[Any] = field(default_factory=list)  # rows handled (or tried), in order
    results: list[object] = field(default_factory=list)
    deleted: int = 0  # inbox rows removed (still ours) when the batch committed
    preempted: bool = False  # a crisis was stored meanwhile: it goes next
    failed: bool = False  # rolled back: handle ``taken`` again one by one


def _batch(
    db: Database,
    worker: str,
    rows: list[Any],
    handle: Callable[..., object],
    urgent_arrived: Callable[[], bool] | None,
    prepare: Callable[[list[dict[str, Any]]], Callable[..., object]] | None = None,
) -> _Run:
    """Handle rows from the front of ``rows`` in one transaction, up to the first of another
    urgency or until a crisis is stored meanwhile."""
    run = _Run()
    try:
        with db.batch() as s:
            if prepare is not None:
                same = list(takewhile(lambda r: r.urgent == rows[0].urgent, rows))
                try:
                    handle = prepare([_delivery(r) for r in same])
                except Exception:
                    run.taken = same  # handled one by one, as a failed batch is
                    raise
            for r in rows:
                if r.urgent != rows[0].urgent:
                    break
                if not r.urgent and urgent_arrived is not None and urgent_arrived():
                    run.preempted = True
                    break
                run.taken.append(r)
                run.results.append(handle(**_delivery(r)))
            finish = getattr(handle, "finish", None)
            if finish is not None:  # a batch handler writes what it kept for the end
                finish()
            if run.taken:
                ids = [r.id for r in run.taken]
                run.deleted = rowcount(
                    s.execute(
                        delete(INBOX).where(INBOX.c.id.in_(ids), INBOX.c.claimed_by == worker)
                    )
                )
    except Exception as exc:
        log.info(
            "inbox batch rolled back, handled one by one",
            extra={
                "event": "inbox.batch_failed",
                "size": len(run.taken),
                "error": type(exc).__name__,
            },
        )
        run.failed = True
    return run


def _one_by_one(
    db: Database,
    worker: str,
    rows: list[Any],
    handle: Callable[..., object],
    after: Callable[[list[object]], None] | None,
    pace: Callable[[bool], None] | None = None,
    urgent_arrived: Callable[[], bool] | None = None,
    now: datetime | None = None,
    limit: int = 50,
) -> int:
    """Each row in its own transactions, as before batches: a row that fails is put back (or,
    after MAX_ATTEMPTS, kept as failed for a person to look at) and holds up no other.
    ``after`` gets the results of each run of rows of one urgency (crisis rows come first, so
    their responses go out before the rest is handled)."""
    i = INBOX.c
    done = 0
    results: list[object] = []
    for n, r in enumerate(rows):
        if pace is not None:
            pace(bool(r.urgent))
        if not r.urgent and urgent_arrived is not None and now is not None and urgent_arrived():
            done += process(
                db, worker, now, handle, limit, urgent_only=True, after=after, batched=False
            )
        try:
            result = handle(**_delivery(r))
        except Exception as exc:  # one bad row must not hold up the others
            dead = r.attempts >= MAX_ATTEMPTS
            log.exception(
                "inbox item failed",
                extra={
                    "event": "inbox.error",
                    "inbox_id": r.id,
                    "attempt": r.attempts,
                    "gave_up": dead,
                },
            )
            with db.session() as s:
                s.execute(
                    update(INBOX)
                    .where(i.id == r.id, i.claimed_by == worker)
                    .values(claimed_by=DEAD if dead else None, last_error=type(exc).__name__)
                )
        else:
            with db.session() as s:
                done += rowcount(
                    s.execute(delete(INBOX).where(i.id == r.id, i.claimed_by == worker))
                )
            results.append(result)
        last_of_run = n + 1 == len(rows) or rows[n + 1].urgent != r.urgent
        if last_of_run and results and after is not None:
            after(results)
            results = []
    return done


def _delivery(r: Any) -> dict[str, Any]:
    return {
        "from_phone": r.from_phone,
        "body": r.body,
        "provider_sid": r.provider_sid,
        "opt_out_type": r.opt_out_type,
        "source": "webhook",
        "now": r.received_at,
    }


def backlog(db: Database) -> tuple[int, int]:
    """(waiting, failed) rows."""
    i = INBOX.c
    with db.read() as s:
        waiting = s.scalar(
            select(func.count()).where(or_(i.claimed_by.is_(None), i.claimed_by != DEAD))
        )
        failed = s.scalar(select(func.count()).where(i.claimed_by == DEAD))
    return int(waiting or 0), int(failed or 0)
