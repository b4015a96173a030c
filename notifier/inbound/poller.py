"""The inbound poller (twilio backend): replies that arrived while the webhook was down go
through the same path as the webhook, and sends of unknown outcome are settled by lookup.

Only one replica polls at a time (an advisory lock on PostgreSQL). The cursor is the newest
reply time seen, kept in the database; the window overlaps a little and the MessageSid
de-duplication makes the overlap harmless.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from notifier.core import state
from notifier.transports.base import TransportError

if TYPE_CHECKING:
    from notifier.service import Service

log = logging.getLogger(__name__)

CURSOR = "poll:since"
FIRST_LOOKBACK = timedelta(hours=6)
OVERLAP = timedelta(minutes=2)


def poll(service: Service, now: datetime) -> int:
    """Returns how many new replies were recorded."""
    with state.singleton(service.db, "poll") as mine:
        if not mine:
            return 0
        raw = state.get(service.db, CURSOR)
        since = datetime.fromisoformat(raw) if raw else now - FIRST_LOOKBACK
        try:
            found = service.transport.list_inbound(since - OVERLAP)
        except TransportError as exc:
            log.warning("poll failed", extra={"event": "poll.error", "why": exc.reason})
            found = []
        new = 0
        newest = since
        for m in found:
            at = m.created_at or now
            result = service.receive(
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
            state.put(service.db, CURSOR, newest.isoformat(), now)
        settled = service.dispatcher.settle_unknown(now)
    if new:
        log.info("replies recovered by polling", extra={"event": "poll", "new": new})
    if new or settled:
        service.send_now()
    return new
