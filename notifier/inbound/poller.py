"""The inbound poller (a transport that ``polls``): replies that arrived while the webhook was
down go through the same path as the webhook, and sends of unknown outcome are settled by
lookup. It is handed what it calls (receive a reply, settle unknown sends, send now), never
the service that wires them.

Only one replica polls at a time (an advisory lock on PostgreSQL). The cursor is the newest
reply time seen, kept in the database; the window overlaps a little and the MessageSid
de-duplication makes the overlap harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from notifier.core import state
from notifier.core.db import Database
from notifier.inbound.replies import InboundResult
from notifier.transports.base import Transport, TransportError

log = logging.getLogger(__name__)

CURSOR = "poll:since"
FIRST_LOOKBACK = timedelta(hours=6)
OVERLAP = timedelta(minutes=2)


def poll(
    db: Database,
    transport: Transport,
    now: datetime,
    *,
    receive: Callable[..., InboundResult],
    settle: Callable[[datetime], int],
    send_now: Callable[[], object],
) -> int:
    """Record replies the webhook missed (``receive`` takes them as the webhook would), settle
    sends of unknown outcome (``settle``), and send what that queued (``send_now``). Returns
    how many new replies were recorded."""
    with state.singleton(db, "poll") as mine:
        if not mine:
            return 0
        raw = state.get(db, CURSOR)
        since = datetime.fromisoformat(raw) if raw else now - FIRST_LOOKBACK
        try:
            found = transport.list_inbound(since - OVERLAP)
        except TransportError as exc:
            log.warning("poll failed", extra={"event": "poll.error", "why": exc.reason})
            found = []
        new = 0
        newest = since
        for m in found:
            at = m.created_at or now
            result = receive(
                from_phone=m.from_,
                body=m.body,
                provider_sid=m.sid,
                source="poller",
                now=min(at, now),
            )
            if not result.duplicate:
                new += 1
            newest = max(newest, at)
        if newest > since:
            state.put(db, CURSOR, newest.isoformat(), now)
        settled = settle(now)
    if new:
        log.info("replies recovered by polling", extra={"event": "poll", "new": new})
    if new or settled:
        send_now()
    return new
