"""The outbox: every text the service sends is one row of ``messages``, and this module holds
the statements that create, claim and settle those rows (procrastinate's ``JobManager``
shape: callers say what they want done, the SQL lives here).

- :func:`message` builds a row and :func:`enqueue` inserts rows inside the caller's
  transaction with ``ON CONFLICT (dedupe_key) DO NOTHING``. The dedupe key names everything a
  text depends on, so planning twice, a webhook retry or two replicas add one row, not two.
  Keys hold indexes and ids, never a phone number: they are stored in clear.
- :class:`Outbox` is one worker's view of the queue: :meth:`~Outbox.expire` stale rows,
  :meth:`~Outbox.claim` a batch (a lease: ``sending`` under this worker's id),
  :meth:`~Outbox.load` what sending needs, :meth:`~Outbox.record` outcomes. Every write after
  the claim is guarded by ``status='sending' AND claimed_by=<me>``, so a worker that lost its
  lease cannot overwrite what the new owner recorded.

Pending rows the roster cancels (a client discharged, a session removed, an opt-out) are
canceled by the roster's own modules, in the same transaction as the change: the roster sits
below the outbox and does not import it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, bindparam, case, or_, select, update
from sqlalchemy.orm import Session

from notifier.core.db import Database, bulk_insert_ignore, rowcount
from notifier.core.models import (
    ALERT,
    CALL,
    CANCELED,
    CLIENTS,
    EXPIRED,
    MESSAGES,
    PENDING,
    REPLY,
    SENDING,
    SENT,
    SESSIONS,
    Message,
)
from notifier.outbound.decisions import LIFE_SAFETY_REPLIES

_m = MESSAGES.c
# The order answers are claimed in (Outbox.claim's ``rank``): the client's own 988/911 text,
# then the staff's pages and calls, then acknowledgements; each in due order. A burst of crisis
# replies queues a text and a page per on-call number for each: in due order alone the last
# client's text waited behind every page before it (2 s at a noon's peak, benchmarks.noon);
# the pages follow the texts within a second or two, and a human's call-back takes minutes.
# decisions.priority is the same split for the rate limiter, texts and pages one level there.
ANSWER_ORDER = case(
    (and_(_m.kind == REPLY, _m.label.in_(sorted(LIFE_SAFETY_REPLIES))), 0),
    (_m.kind.in_((ALERT, CALL)), 1),
    else_=2,
)

# The keys of an outcome that only records a send: those go to the database in one batch.
SENT_KEYS = frozenset({"status", "provider_sid", "sent_at", "status_at", "claimed_by"})
CHUNK = 1000  # ids per statement when canceling many rows


def message(
    kind: str,
    *,
    dedupe_key: str,
    body: str,
    due_at: datetime,
    not_after: datetime,
    client_id: int | None = None,
    session_id: int | None = None,
    label: str | None = None,
    recipient: str | None = None,
    status: str = PENDING,
    reason: str | None = None,
    created_at: datetime | None = None,
) -> dict[str, object]:
    """One outbox row, ready for :func:`enqueue`. ``recipient`` is set only when the text
    does not go to the client (an alert to on-call staff); ``body`` may be empty for a planned
    row, whose words the dispatcher renders when it sends."""
    return {
        "kind": kind,
        "client_id": client_id,
        "session_id": session_id,
        "recipient": recipient,
        "label": label,
        "body": body,
        "dedupe_key": dedupe_key,
        "due_at": due_at,
        "not_after": not_after,
        "status": status,
        "reason": reason,
        "attempts": 0,
        "needs_lookup": False,
        "created_at": created_at or due_at,
    }


def enqueue(into: Session | Connection, rows: Sequence[Mapping[str, object]]) -> int:
    """Insert rows made by :func:`message` in the caller's transaction; a row whose dedupe
    key is already there is left out. Returns how many were added."""
    if not rows:
        return 0
    conn = into.connection() if isinstance(into, Session) else into
    return bulk_insert_ignore(conn, MESSAGES, rows, "dedupe_key")


def cancel(s: Session, ids: Sequence[int], reason: str, now: datetime) -> int:
    """Cancel the rows among ``ids`` that are still pending; returns how many were."""
    canceled = 0
    for i in range(0, len(ids), CHUNK):
        res = s.execute(
            update(Message)
            .where(and_(Message.id.in_(ids[i : i + CHUNK]), Message.status == PENDING))
            .values(status=CANCELED, reason=reason, status_at=now)
        )
        canceled += rowcount(res)
    return canceled


def revive(s: Session, rows: Sequence[Mapping[str, object]], guard: Any, now: datetime) -> int:
    """Put canceled rows back in the queue as planning wants them again: ``rows`` are made by
    :func:`message` plus their ``id``; only rows still matching ``guard`` (canceled for a
    reason that is gone, never claimed) change, so two planners reviving at once, or a
    dispatcher in between, cannot make a text go twice. Returns how many came back."""
    if not rows:
        return 0
    m = MESSAGES.c
    stmt = (
        update(MESSAGES)
        .where(m.id == bindparam("rid"), guard)
        .values(
            status=bindparam("new_status"),
            reason=bindparam("new_reason"),
            due_at=bindparam("new_due_at"),
            not_after=bindparam("new_not_after"),
            label=bindparam("new_label"),
            session_id=bindparam("new_session_id"),
            status_at=now,
            next_attempt_at=None,
        )
    )
    params = [
        {
            "rid": r["id"],
            "new_status": r["status"],
            "new_reason": r["reason"],
            "new_due_at": r["due_at"],
            "new_not_after": r["not_after"],
            "new_label": r["label"],
            "new_session_id": r["session_id"],
        }
        for r in rows
    ]
    revived = 0
    for i in range(0, len(params), CHUNK):
        revived += rowcount(s.connection().execute(stmt, params[i : i + CHUNK]))
    return revived


def reword_pending(s: Session, keys: Sequence[str], body: str) -> int:
    """New words for the rows with these dedupe keys that have not been claimed yet (a
    summary whose count grows while it waits)."""
    res = s.execute(
        update(Message)
        .where(Message.dedupe_key.in_(keys), Message.status == PENDING)
        .values(body=body)
    )
    return rowcount(res)


class Outbox:
    """The queue as one worker sees it: claims are leases held under ``worker_id``."""

    def __init__(self, db: Database, worker_id: str) -> None:
        self.db = db
        self.worker_id = worker_id

    def expire(self, now: datetime) -> int:
        """Pending rows whose freshness ran out become ``expired``. Rows whose last send has
        an unknown outcome are not touched: they get their lookup first (see claim)."""
        with self.db.session() as s:
            res = s.execute(
                update(Message)
                .where(
                    Message.status == PENDING,
                    Message.not_after <= now,
                    Message.needs_lookup.is_(False),
                )
                .values(status=EXPIRED, reason="stale", status_at=now)
            )
            return rowcount(res)

    def claim(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        *,
        only_unknown: bool = False,
        kinds: Sequence[str] | None = None,
        rank: ColumnElement[int] | None = None,
    ) -> list[int]:
        """Move up to ``limit`` due rows to ``sending`` for this worker; returns their ids.
        ``only_unknown``: just the rows whose last send has an unknown outcome. ``kinds``:
        just rows of these kinds (answers to replies, which must not queue behind the
        planned texts of a noon). ``rank``: rows are taken lowest rank first, each rank in due
        order (a 988/911 text before the pages and acknowledgements due earlier; meant with
        ``kinds``, whose rows are few, as it sorts them).

        Two picks, each able to walk the (status, due_at) index instead of sorting the whole
        outbox: rows abandoned by a worker whose lease ran out (rare), then due rows in due
        order. SQLite serialises claims with ``BEGIN IMMEDIATE``; on PostgreSQL the picked
        rows are joined by primary key (UPDATE ... FROM) and locked with SKIP LOCKED, so
        replicas take disjoint rows without waiting.
        """
        m = MESSAGES.c
        if only_unknown:
            due = and_(m.status == PENDING, m.needs_lookup.is_(True))
        else:
            due = and_(
                m.status == PENDING,
                m.due_at <= now,
                or_(m.next_attempt_at.is_(None), m.next_attempt_at <= now),
                or_(m.not_after > now, m.needs_lookup.is_(True)),
            )
        abandoned = and_(m.status == SENDING, m.claimed_at < now - lease)
        if kinds is not None:
            due, abandoned = and_(due, m.kind.in_(kinds)), and_(abandoned, m.kind.in_(kinds))
        values = {
            "status": SENDING,
            "claimed_by": self.worker_id,
            "claimed_at": now,
            "attempts": m.attempts + 1,
            # A row whose owner vanished mid-send may have reached the provider.
            "needs_lookup": case((m.status == SENDING, True), else_=m.needs_lookup),
            "lookup_since": case(
                (m.status == SENDING, m.claimed_at),
                (m.needs_lookup.is_(True), m.lookup_since),
                else_=None,
            ),
        }
        claimed: list[int] = []
        with self.db.write_lock() as conn:
            for condition in (abandoned, due):
                room = limit - len(claimed)
                if room <= 0:
                    break
                order = (m.due_at, m.id) if rank is None else (rank, m.due_at, m.id)
                pick = select(m.id).where(condition).order_by(*order).limit(room)
                if self.db.is_sqlite:  # BEGIN IMMEDIATE already serialises claims
                    stmt = update(MESSAGES).where(m.id.in_(pick.scalar_subquery()))
                else:
                    picked = pick.with_for_update(skip_locked=True).cte("picked")
                    stmt = update(MESSAGES).where(m.id == picked.c.id)
                rows = conn.execute(stmt.values(**values).returning(m.id))
                claimed += [row[0] for row in rows]
        return claimed

    def load(self, ids: Sequence[int]) -> Sequence[Any]:
        """The claimed rows (still this worker's) with what sending needs: the client's
        number, zone, consent and words, the session a reminder is about. Columns, not ORM
        objects: this runs for every message sent."""
        m, c, a = MESSAGES.c, CLIENTS.c, SESSIONS.c
        with self.db.read() as s:
            rows: Sequence[Any] = s.execute(
                select(
                    m.id,
                    m.kind,
                    m.label,
                    m.body,
                    m.recipient,
                    m.not_after,
                    m.needs_lookup,
                    m.lookup_since,
                    m.claimed_at,
                    m.attempts,
                    m.client_id,
                    m.due_at,
                    c.phone,
                    c.timezone,
                    c.consent_at,
                    c.opted_out_at,
                    c.discharged_at,
                    c.first_name,
                    c.language,
                    a.kind.label("session_kind"),
                    a.group_name.label("session_group"),
                    a.starts_at,
                    a.location,
                )
                .select_from(
                    MESSAGES.outerjoin(CLIENTS, c.id == m.client_id).outerjoin(
                        SESSIONS, a.id == m.session_id
                    )
                )
                .where(m.id.in_(ids), m.claimed_by == self.worker_id)
                .order_by(m.due_at, m.id)
            ).all()
        return rows

    def record(self, outcomes: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
        """Write outcomes of claimed rows (message id, column values) in one transaction;
        ``attempts_delta`` in the values adds to the attempt count. Plain sends go as one
        executemany; every write is guarded by ``status='sending' AND
        claimed_by=<me>``. Raises IntegrityError (nothing written) when a provider sid is
        already on another row."""
        m = MESSAGES.c
        guard = and_(m.status == SENDING, m.claimed_by == self.worker_id)
        sent = [(mid, v) for mid, v in outcomes if is_plain_send(v)]
        others = [(mid, v) for mid, v in outcomes if not is_plain_send(v)]
        with self.db.session() as s:
            if sent:
                mark_sent(
                    s.connection(),
                    self.worker_id,
                    [
                        (mid, v["provider_sid"], v["sent_at"], v["status_at"], v.get("body"))
                        for mid, v in sent
                    ],
                )
            for mid, values in others:
                columns = dict(values)
                delta = columns.pop("attempts_delta", 0)
                if delta:  # e.g. -1: a claim that ended in no attempt does not count as one
                    columns["attempts"] = Message.attempts + delta
                s.execute(update(Message).where(Message.id == mid, guard).values(**columns))


def is_plain_send(values: Mapping[str, Any]) -> bool:
    """Whether an outcome only records a send (and maybe the words rendered for it)."""
    return values.get("status") == SENT and set(values) in (SENT_KEYS, SENT_KEYS | {"body"})


def _same(value: Any) -> Any:
    return value


def mark_sent(
    conn: Connection,
    worker: str,
    rows: Sequence[tuple[int, str, datetime, datetime, str | None]],
) -> int:
    """Record many sends at once: (id, provider sid, sent at, status at, words or None).

    The dispatcher's hot path, so one driver-level executemany, values converted once by the
    same processors the ORM uses. Guarded like every outcome write: only a row still
    ``sending`` under this worker's claim is changed."""
    dialect = conn.dialect
    c = MESSAGES.c
    at: Callable[[Any], Any] = c.sent_at.type.dialect_impl(dialect).bind_processor(dialect) or _same
    words: Callable[[Any], Any] = c.body.type.dialect_impl(dialect).bind_processor(dialect) or _same
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    false = "0" if dialect.name == "sqlite" else "false"
    sql = (
        f"UPDATE messages SET status = 'sent', provider_sid = {mark}, sent_at = {mark}, "
        f"status_at = {mark}, body = COALESCE({mark}, body), needs_lookup = {false}, "
        f"error_code = NULL, claimed_by = {mark} "
        f"WHERE id = {mark} AND status = 'sending' AND claimed_by = {mark}"
    )
    params = [
        (
            sid,
            at(sent_at),
            at(status_at),
            None if body is None else words(body),
            worker,
            mid,
            worker,
        )
        for mid, sid, sent_at, status_at, body in rows
    ]
    return rowcount(conn.exec_driver_sql(sql, params))
