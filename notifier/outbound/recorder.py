"""The batched writer of send outcomes: send threads hand each outcome over, the dispatching
thread writes what has arrived in one transaction."""

from __future__ import annotations

import logging
import threading
import time as _time
from typing import Any

from sqlalchemy.exc import IntegrityError

from notifier.core.metrics import Metrics
from notifier.core.models import FAILED, PENDING
from notifier.outbound.decisions import Claimed
from notifier.outbound.outbox import Outbox

log = logging.getLogger("notifier.outbound.dispatch")  # the events dispatch has always logged


class Recorder:
    """Outcomes of one batch, written together.

    Send threads hand their outcome here; the dispatching thread writes whatever has arrived
    every few milliseconds in one transaction (sent rows as one executemany). One commit per
    message was the whole cost of dispatching (an fsync each on PostgreSQL, lock hand-offs on
    SQLite); a send whose record is still waiting here when the process dies is settled by
    lookup, like any other send of unknown outcome.
    """

    def __init__(self, outbox: Outbox, metrics: Metrics | None) -> None:
        self.outbox = outbox
        self.metrics = metrics
        self.lock = threading.Lock()
        self.items: list[tuple[Claimed, dict[str, Any]]] = []
        self.first_at: float | None = None

    def add(self, c: Claimed, values: dict[str, Any]) -> None:
        with self.lock:
            if not self.items:
                self.first_at = _time.monotonic()
            self.items.append((c, values))

    def due(self, size: int, interval: float) -> bool:
        with self.lock:
            return bool(self.items) and (
                len(self.items) >= size
                or (self.first_at is not None and _time.monotonic() - self.first_at >= interval)
            )

    def flush(self) -> None:
        with self.lock:
            items, self.items, self.first_at = self.items, [], None
        if items:
            self.write(items)

    def write(self, items: list[tuple[Claimed, dict[str, Any]]]) -> None:
        """Record outcomes in one transaction. Every write is guarded by ``status='sending'
        AND claimed_by=<me>``: a worker that lost its lease cannot overwrite the new owner."""
        try:
            self.outbox.record([(c.id, values) for c, values in items])
        except IntegrityError:
            if len(items) == 1:
                c, values = items[0]
                # The provider's sid is already on another row: a lookup matched the wrong
                # message. Hand it back to be sent, rather than record a false "sent".
                log.warning(
                    "duplicate provider sid",
                    extra={"event": "dispatch.dup_sid", "message_id": c.id},
                )
                self.write(
                    [
                        (
                            c,
                            {
                                "status": PENDING,
                                "needs_lookup": False,
                                "claimed_by": None,
                                "status_at": values.get("status_at"),
                            },
                        )
                    ]
                )
                return
            for item in items:  # find the one that broke the batch
                self.write([item])
            return
        if self.metrics is not None:
            for c, values in items:
                status = str(values.get("status"))
                code = values.get("error_code")
                if status != PENDING:
                    self.metrics.message_outcome(c.kind, status)
                if code and status in (PENDING, FAILED):
                    self.metrics.send_error(str(code))
